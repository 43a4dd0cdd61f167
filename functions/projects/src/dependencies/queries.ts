import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';

/** The path from `from` to `to` along "depends on" edges, if there is one. */
export async function pathBetween(
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

/** The tasks a task waits for, in list order. */
export function listDependencies(trx: Trx, tenantId: string, taskId: string) {
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

/**
 * One dependency change at a time per tenant (until the transaction ends): two concurrent
 * additions could otherwise close a cycle that neither sees.
 */
export async function lockDependencies(trx: Trx, tenantId: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`devctx:deps:${tenantId}`}))`.execute(trx);
}

export async function insertDependency(
  trx: Trx,
  tenantId: string,
  taskId: string,
  dependsOnId: string,
) {
  await trx
    .insertInto('task_dependencies')
    .values({ tenant_id: tenantId, task_id: taskId, depends_on_id: dependsOnId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Whether there was such a dependency to delete. */
export async function deleteDependency(
  trx: Trx,
  tenantId: string,
  taskId: string,
  dependsOnId: string,
) {
  const removed = await trx
    .deleteFrom('task_dependencies')
    .where('tenant_id', '=', tenantId)
    .where('task_id', '=', taskId)
    .where('depends_on_id', '=', dependsOnId)
    .executeTakeFirst();
  return Number(removed.numDeletedRows) > 0;
}
