import {
  AppError,
  actorOf,
  actorScope,
  defineRoute,
  notFound,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { lockTask, requireTask } from '../tasks/queries.ts';

const tags = ['tasks'];
const dependencySchema = z.object({
  taskId: z.uuid(),
  dependsOnId: z.uuid(),
  dependsOnTitle: z.string(),
  dependsOnChecked: z.boolean(),
});

/** The path from `from` to `to` along "depends on" edges, if there is one. */
async function pathBetween(
  trx: Trx,
  tenantId: string,
  from: string,
  to: string,
): Promise<string[] | undefined> {
  const { rows } = await sql<{ path: string[] }>`
    with recursive walk (id, path) as (
      select ${from}::uuid, array[${from}::uuid]
      union all
      select d.depends_on_id, w.path || d.depends_on_id
        from walk w
        join task_dependencies d on d.tenant_id = ${tenantId} and d.task_id = w.id
       where not d.depends_on_id = any (w.path)
    )
    select path::text[] as path from walk where id = ${to}::uuid limit 1`.execute(trx);
  return rows[0]?.path;
}

function list(trx: Trx, tenantId: string, taskId: string) {
  return trx
    .selectFrom('task_dependencies as d')
    .innerJoin('tasks as t', (j) =>
      j.onRef('t.tenant_id', '=', 'd.tenant_id').onRef('t.id', '=', 'd.depends_on_id'),
    )
    .select([
      'd.task_id as taskId',
      'd.depends_on_id as dependsOnId',
      't.title as dependsOnTitle',
      't.checked as dependsOnChecked',
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('d.task_id', '=', taskId)
    .orderBy('t.position')
    .execute();
}

export const dependencyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tasks/{id}/dependencies',
    summary: 'The tasks this task waits for',
    tags,
    permission: 'projects:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: {
        description: 'Dependencies',
        schema: z.object({ items: z.array(dependencySchema), nextCursor: z.null() }),
      },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const items = await withTenant(actorScope(ctx), async (trx) => {
        await requireTask(trx, tenantId, params.id);
        return list(trx, tenantId, params.id);
      });
      return { body: { items, nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tasks/{id}/dependencies',
    summary: 'Make this task wait for another; a cycle is refused with its path',
    tags,
    permission: 'projects:write',
    params: z.object({ id: z.uuid() }),
    body: z.object({ dependsOnId: z.uuid() }),
    responses: {
      201: {
        description: 'Added',
        schema: z.object({ items: z.array(dependencySchema), nextCursor: z.null() }),
      },
      404: { description: 'No such task' },
      409: { description: 'It would close a cycle (the path is in detail)' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const items = await withTenant(actorScope(ctx), async (trx) => {
        // One dependency change at a time per tenant: two concurrent additions could
        // otherwise close a cycle that neither sees.
        await sql`select pg_advisory_xact_lock(hashtext(${`devctx:deps:${tenantId}`}))`.execute(
          trx,
        );
        await lockTask(trx, tenantId, params.id);
        const target = await trx
          .selectFrom('tasks')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', body.dependsOnId)
          .executeTakeFirst();
        if (!target) throw notFound('task');
        if (body.dependsOnId === params.id)
          throw new AppError('conflict', 'A task cannot depend on itself.');
        const cycle = await pathBetween(trx, tenantId, body.dependsOnId, params.id);
        if (cycle) {
          throw new AppError(
            'conflict',
            `This would close a cycle: ${[params.id, ...cycle].join(' -> ')}.`,
          );
        }
        await trx
          .insertInto('task_dependencies')
          .values({ tenant_id: tenantId, task_id: params.id, depends_on_id: body.dependsOnId })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return list(trx, tenantId, params.id);
      });
      return { status: 201, body: { items, nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/tasks/{id}/dependencies/{dependsOnId}',
    summary: 'Stop this task waiting for another',
    tags,
    permission: 'projects:write',
    params: z.object({ id: z.uuid(), dependsOnId: z.uuid() }),
    responses: {
      204: { description: 'Removed' },
      404: { description: 'No such task or dependency' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        await lockTask(trx, tenantId, params.id);
        const removed = await trx
          .deleteFrom('task_dependencies')
          .where('tenant_id', '=', tenantId)
          .where('task_id', '=', params.id)
          .where('depends_on_id', '=', params.dependsOnId)
          .executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) throw notFound('dependency');
      });
      return { status: 204 };
    },
  }),
];
