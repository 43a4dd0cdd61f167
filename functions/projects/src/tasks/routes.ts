import {
  actorOf,
  actorScope,
  changedColumns,
  decodeCursor,
  defineRoute,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findTaskList } from '../task-lists/queries.ts';
import { listTasks, listTasksQuery } from './list-tasks.ts';
import {
  assertAssignable,
  assertSectionInList,
  findTask,
  lockTask,
  nextPosition,
} from './queries.ts';
import { priorities, statuses, taskSchema, toTaskView } from './representation.ts';

const tags = ['tasks'];
const idParams = z.object({ id: z.uuid() });
const taskFields = {
  title: z.string().trim().min(1).max(1000),
  description: z.string().max(20000),
  status: z.enum(statuses),
  priority: z.enum(priorities).nullable(),
  assigneeId: z.uuid().nullable(),
  dueDate: z.iso.date().nullable(),
  estimateHours: z.number().min(0).max(100000).nullable(),
  sectionId: z.uuid().nullable(),
  parentTaskId: z.uuid().nullable(),
  position: z
    .number()
    .finite()
    .describe('Order in the list; between two neighbours to move there.'),
  labels: z.array(z.string().trim().min(1).max(100)).max(50),
};
type TaskFields = Partial<{ [K in keyof typeof taskFields]: z.infer<(typeof taskFields)[K]> }>;

/** API field names and the task columns they set. */
const columnOf = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  assigneeId: 'assignee_id',
  dueDate: 'due_date',
  estimateHours: 'estimate_hours',
  sectionId: 'section_id',
  parentTaskId: 'parent_task_id',
  position: 'position',
  labels: 'labels',
} as const;
const columns = (body: TaskFields) => changedColumns(body, columnOf);

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
        await findTaskList(trx, tenantId, params.id);
        return listTasks(trx, tenantId, params.id, query, decodeCursor(query.cursor));
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
        await assertAssignable(trx, tenantId, body.assigneeId, 'body.assigneeId');
        await assertSectionInList(trx, tenantId, params.id, body.sectionId, 'body.sectionId');
        const { checked, ...fields } = body;
        const created = await trx
          .insertInto('tasks')
          .values({
            tenant_id: tenantId,
            task_list_id: params.id,
            position: body.position ?? (await nextPosition(trx, tenantId, params.id)),
            priority: null,
            assignee_id: null,
            due_date: null,
            estimate_hours: null,
            section_id: null,
            parent_task_id: null,
            ...(checked !== undefined ? { checked } : {}),
            ...columns(fields),
          } as never)
          .returning('id')
          .executeTakeFirstOrThrow();
        return findTask(trx, tenantId, created.id);
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
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const task = await withTenant(actorScope(ctx), async (trx) => {
        const current = await lockTask(trx, tenantId, params.id);
        await assertAssignable(trx, tenantId, body.assigneeId, 'body.assigneeId');
        await assertSectionInList(
          trx,
          tenantId,
          current.task_list_id,
          body.sectionId,
          'body.sectionId',
        );
        await trx
          .updateTable('tasks')
          .set(columns(body) as never)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
        return findTask(trx, tenantId, params.id);
      });
      return { body: task };
    },
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
        await trx
          .deleteFrom('tasks')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
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
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const task = await withTenant(actorScope(ctx), async (trx) => {
        const current = await lockTask(trx, tenantId, params.id);
        const checked = body.checked ?? !current.checked;
        if (checked !== current.checked) {
          await trx
            .updateTable('tasks')
            .set({ checked })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', params.id)
            .execute();
        }
        return findTask(trx, tenantId, params.id);
      });
      return { body: task };
    },
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
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const task = await withTenant(actorScope(ctx), async (trx) => {
        await lockTask(trx, tenantId, params.id);
        await assertAssignable(trx, tenantId, body.userId, 'body.userId');
        await trx
          .updateTable('tasks')
          .set({ assignee_id: body.userId })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
        return findTask(trx, tenantId, params.id);
      });
      return { body: task };
    },
  }),
];
