import { type Cursor, notFound, type Trx } from '@devctx/shared';
import { taskListColumns } from './representation.ts';

/**
 * A task list, or 404. `forWrite` holds it (key share) until the transaction ends, so a
 * write to its tasks either runs before a racing delete of the list (or its project) or
 * finds the list gone: 404, never a half-applied change or "not in this list".
 */
export async function findTaskList(trx: Trx, tenantId: string, id: string, forWrite = false) {
  const query = trx
    .selectFrom('task_lists')
    .select(taskListColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  const row = await (forWrite ? query.forKeyShare() : query).executeTakeFirst();
  if (!row) throw notFound('task list');
  return row;
}

/** 404 unless the task list exists (without findTaskList's count of its tasks). */
export async function assertTaskListExists(trx: Trx, tenantId: string, id: string) {
  const row = await trx
    .selectFrom('task_lists')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('task list');
}

/** A project's task lists by name (then id), after the cursor's. */
export function listTaskLists(
  trx: Trx,
  tenantId: string,
  projectId: string,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('task_lists')
    .select(taskListColumns)
    .where('tenant_id', '=', tenantId)
    .where('project_id', '=', projectId);
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('name', 'id'), '>', eb.tuple(after.after, after.id)),
    );
  return query
    .orderBy('name')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export function insertTaskList(
  trx: Trx,
  tenantId: string,
  projectId: string,
  list: { name: string; description: string },
) {
  return trx
    .insertInto('task_lists')
    .values({
      tenant_id: tenantId,
      project_id: projectId,
      name: list.name,
      description: list.description,
      import_report: null,
    })
    .returning(taskListColumns)
    .executeTakeFirstOrThrow();
}

export function setImportReport(trx: Trx, tenantId: string, id: string, report: unknown) {
  return trx
    .updateTable('task_lists')
    .set({ import_report: JSON.stringify(report) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(taskListColumns)
    .executeTakeFirstOrThrow();
}

export function updateTaskList(
  trx: Trx,
  tenantId: string,
  id: string,
  changes: { name?: string; description?: string },
) {
  return trx
    .updateTable('task_lists')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(taskListColumns)
    .executeTakeFirstOrThrow();
}

/** Its tasks, sections and dependencies go with it (foreign keys cascade). */
export async function deleteTaskList(trx: Trx, tenantId: string, id: string) {
  await trx
    .deleteFrom('task_lists')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}
