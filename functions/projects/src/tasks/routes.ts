import { actorOf, actorScope, defineRoute, toPage, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { assertTaskListExists, findTaskList } from '../task-lists/queries.ts';
import { assignTask } from './assign-task.ts';
import { bulkBody, bulkChangeTasks } from './bulk-change-tasks.ts';
import { changeTask } from './change-task.ts';
import { createTask } from './create-task.ts';
import { listTasks, listTasksQuery, taskCursor } from './list-tasks.ts';
import { deleteTask, findTask, lockTask } from './queries.ts';
import { taskFields, taskSchema, toTaskView } from './representation.ts';
import { toggleTask } from './toggle-task.ts';

const tags = ['tasks'];
const idParams = z.object({ id: z.uuid() });

export const taskRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/task-lists/{id}/tasks',
    summary: 'Tasks of a list, filtered and sorted',
    tags,
    permission: 'projects:read',
    params: idParams,
    query: listTasksQuery,
    responses: {
      200: {
        description: 'A page of tasks',
        schema: z.object({ items: z.array(taskSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        const page = await listTasks(trx, tenantId, params.id, query, taskCursor(query));
        // Only an empty page asks whether the list is there at all (404, not an empty page).
        if (page.length === 0) await assertTaskListExists(trx, tenantId, params.id);
        return page;
      });
      return {
        body: toPage(rows, query.limit, (t) => ({ after: t.sort_key, id: t.id }), toTaskView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/task-lists/{id}/tasks',
    summary: 'Add a task (at the end unless a position is given)',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z
      .object({ ...taskFields, checked: z.boolean() })
      .partial()
      .required({ title: true }),
    responses: {
      201: { description: 'Created', schema: taskSchema },
      404: { description: 'No such task list' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const task = await withTenant(actorScope(ctx), async (trx) => {
        await findTaskList(trx, tenantId, params.id);
        return createTask(trx, tenantId, params.id, body);
      });
      return { status: 201, body: task, headers: { location: `/v1/tasks/${task.id}` } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tasks/{id}',
    summary: 'A task',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: { description: 'The task', schema: taskSchema },
      404: { description: 'No such task' },
    },
    handler: async (ctx, { params }) => ({
      body: await withTenant(actorScope(ctx), (trx) =>
        findTask(trx, actorOf(ctx).tenantId, params.id),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/tasks/{id}',
    summary: 'Change a task (send If-Match with the ETag you read to avoid lost updates)',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z.object(taskFields).partial(),
    responses: {
      200: { description: 'The task', schema: taskSchema },
      404: { description: 'No such task' },
      412: { description: 'Changed since you read it' },
    },
    handler: async (ctx, { params, body }) => ({
      body: await withTenant(actorScope(ctx), (trx) =>
        changeTask(trx, actorOf(ctx).tenantId, params.id, body),
      ),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/tasks/{id}',
    summary: 'Delete a task (and its subtasks)',
    tags,
    permission: 'projects:write',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such task' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        await lockTask(trx, tenantId, params.id);
        await deleteTask(trx, tenantId, params.id);
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tasks/{id}/toggle',
    summary: 'Flip the checkbox, or set it to the given value (idempotent)',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z.object({ checked: z.boolean().optional().describe('Omit to flip.') }),
    responses: {
      200: { description: 'The task', schema: taskSchema },
      404: { description: 'No such task' },
    },
    handler: async (ctx, { params, body }) => ({
      body: await withTenant(actorScope(ctx), (trx) =>
        toggleTask(trx, actorOf(ctx).tenantId, params.id, body.checked),
      ),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tasks/{id}/assign',
    summary: 'Assign the task to an active user, or clear it with null',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z.object({ userId: z.uuid().nullable() }),
    responses: {
      200: { description: 'The task', schema: taskSchema },
      400: { description: 'Not an active user of the tenant' },
      404: { description: 'No such task' },
    },
    handler: async (ctx, { params, body }) => ({
      body: await withTenant(actorScope(ctx), (trx) =>
        assignTask(trx, actorOf(ctx).tenantId, params.id, body.userId),
      ),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/task-lists/{id}/tasks/bulk',
    summary: 'Toggle, assign or move many tasks at once, atomically',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: bulkBody,
    responses: {
      200: { description: 'All applied', schema: z.object({ applied: z.number().int() }) },
      400: { description: 'One operation is invalid; nothing was changed' },
      404: { description: 'No such task list' },
      412: { description: 'If-Match: the list or one of its tasks changed since you read it' },
    },
    handler: async (ctx, { params, body, headers }) => ({
      body: await bulkChangeTasks(ctx, params.id, body, headers['if-match']),
    }),
  }),
];
