import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';

/**
 * The path from `from` to `to` along "depends on" edges, if there is one. Linear in the
 * graph, however it is shaped: the walk visits each task once (UNION keeps a visited set;
 * enumerating every path, as a walk carrying its path must, is exponential on a ladder).
 * Only when `to` is reachable are the reachable edges read, to name one path.
 */
export async function pathBetween(
  trx: Trx,
  tenantId: string,
  from: string,
  to: string,
): Promise<string[] | undefined> {
  const reachable = sql`
    with recursive reach (id) as (
      select ${from}::uuid
      union
      select d.depends_on_id
        from reach r
        join task_dependencies d on d.tenant_id = ${tenantId} and d.task_id = r.id
    )`;
  const { rows } = await sql<{ found: boolean }>`
    ${reachable} select exists (select from reach where id = ${to}::uuid) as found`.execute(trx);
  if (!rows[0]?.found) return undefined;
  const edges = await sql<{ task_id: string; depends_on_id: string }>`
    ${reachable}
    select d.task_id, d.depends_on_id
      from reach r
      join task_dependencies d on d.tenant_id = ${tenantId} and d.task_id = r.id`.execute(trx);
  return shortestPath(edges.rows, from, to);
}

/** Breadth-first over the edges: the shortest path from `from` to `to`. */
function shortestPath(
  edges: { task_id: string; depends_on_id: string }[],
  from: string,
  to: string,
): string[] | undefined {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.task_id, [...(next.get(e.task_id) ?? []), e.depends_on_id]);
  const cameFrom = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    if (node === to) break;
    for (const child of next.get(node) ?? []) {
      if (cameFrom.has(child)) continue;
      cameFrom.set(child, node);
      queue.push(child);
    }
  }
  if (!cameFrom.has(to)) return undefined;
  const path = [to];
  while (path[0] !== from) path.unshift(cameFrom.get(path[0] as string) as string);
  return path;
}

/** How many tasks one task may wait for: keeps every walk of the graph small. */
export const MAX_DEPENDENCIES_PER_TASK = 100;

/** The tasks `taskId` waits for, other than `except` (re-adding an edge is no new edge). */
export async function countDependencies(
  trx: Trx,
  tenantId: string,
  taskId: string,
  except: string,
) {
  const row = await trx
    .selectFrom('task_dependencies')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('task_id', '=', taskId)
    .where('depends_on_id', '<>', except)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
