import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findProject } from '../projects/queries.ts';
import { statistics, statisticsSchema } from '../tasks/statistics.ts';
import { createTaskList } from './create-task-list.ts';
import { exportMarkdown } from './export-markdown.ts';
import { deleteTaskList, findTaskList, listTaskLists, updateTaskList } from './queries.ts';
import { taskListSchema, toTaskListView } from './representation.ts';
import { sectionProgress, sectionProgressSchema } from './sections.ts';

const tags = ['task-lists'];
const idParams = z.object({ id: z.uuid() });

export const taskListRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/projects/{id}/task-lists',
    summary: 'Task lists of a project',
    tags,
    permission: 'projects:read',
    params: idParams,
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of task lists',
        schema: z.object({ items: z.array(taskListSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findProject(trx, tenantId, params.id);
        return listTaskLists(trx, tenantId, params.id, query.limit, after);
      });
      return {
        body: toPage(rows, query.limit, (l) => ({ after: l.name, id: l.id }), toTaskListView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/projects/{id}/task-lists',
    summary: 'Create a task list, empty or imported from a markdown checkbox list',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z
      .object({
        name: z.string().trim().min(1).max(200),
        description: z.string().max(5000).default(''),
        markdown: z
          .string()
          .max(1_000_000)
          .optional()
          .describe('"## 3.2 Section" headings, "- [ ] task" lines, "**Dependencies**: 3.1".'),
      })
      .meta({
        examples: [
          {
            name: 'Roadmap',
            markdown:
              '## 1 Setup\n- [x] Create repo\n## 2 API\n**Dependencies**: 1\n- [ ] Write routes\n',
          },
        ],
      }),
    bodyLimitBytes: 2 * 1024 * 1024,
    responses: {
      201: {
        description: 'Created; importReport says what was read and skipped',
        schema: taskListSchema,
      },
      404: { description: 'No such project' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const list = await withTenant(actorScope(ctx), async (trx) => {
        await findProject(trx, tenantId, params.id);
        return createTaskList(trx, tenantId, params.id, body);
      });
      return {
        status: 201,
        body: toTaskListView(list),
        headers: { location: `/v1/task-lists/${list.id}` },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/task-lists/{id}',
    summary: 'A task list',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: { description: 'The task list', schema: taskListSchema },
      404: { description: 'No such task list' },
    },
    handler: async (ctx, { params }) => ({
      body: toTaskListView(
        await withTenant(actorScope(ctx), (trx) =>
          findTaskList(trx, actorOf(ctx).tenantId, params.id),
        ),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/task-lists/{id}',
    summary: 'Rename or describe a task list',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z
      .object({ name: z.string().trim().min(1).max(200), description: z.string().max(5000) })
      .partial(),
    responses: {
      200: { description: 'The task list', schema: taskListSchema },
      404: { description: 'No such task list' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findTaskList(trx, tenantId, params.id);
        return updateTaskList(trx, tenantId, params.id, body);
      });
      return { body: toTaskListView(row) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/task-lists/{id}',
    summary: 'Delete a task list and its tasks',
    tags,
    permission: 'projects:delete',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such task list' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        const list = await findTaskList(trx, tenantId, params.id);
        await deleteTaskList(trx, tenantId, params.id);
        await recordAudit(trx, ctx, tenantId, {
          action: 'task_list.deleted',
          targetType: 'task_list',
          targetId: params.id,
          details: { name: list.name },
        });
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/task-lists/{id}/markdown',
    summary: 'The task list as markdown, as it is now (re-importable)',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: { 200: { description: 'text/markdown' }, 404: { description: 'No such task list' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const markdown = await withTenant(actorScope(ctx), async (trx) =>
        exportMarkdown(trx, tenantId, await findTaskList(trx, tenantId, params.id)),
      );
      return { raw: { type: 'text/markdown; charset=utf-8', data: markdown } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/task-lists/{id}/stats',
    summary: 'Task statistics of a task list',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: { description: 'Statistics', schema: statisticsSchema },
      404: { description: 'No such task list' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      return {
        body: await withTenant(actorScope(ctx), async (trx) => {
          await findTaskList(trx, tenantId, params.id);
          return statistics(trx, tenantId, { taskListId: params.id });
        }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/task-lists/{id}/sections',
    summary: 'The sections (phases) of a task list, in order, with their progress',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: {
        description: 'Sections',
        schema: z.object({ items: z.array(sectionProgressSchema) }),
      },
      404: { description: 'No such task list' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      return {
        body: {
          items: await withTenant(actorScope(ctx), async (trx) => {
            await findTaskList(trx, tenantId, params.id);
            return sectionProgress(trx, tenantId, params.id);
          }),
        },
      };
    },
  }),
];
