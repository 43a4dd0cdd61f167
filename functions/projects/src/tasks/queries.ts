import { AppError, type Database, notFound, type Trx } from '@devctx/shared';
import type { Updateable } from 'kysely';
import { blockedExpression, taskColumns, toTaskView } from './representation.ts';
import { lockTree } from './tree.ts';

export function selectTasks(trx: Trx, tenantId: string) {
  return trx
    .selectFrom('tasks as t')
    .select(taskColumns)
    .select((eb) => blockedExpression(eb))
    .where('t.tenant_id', '=', tenantId);
}

export async function findTask(trx: Trx, tenantId: string, taskId: string) {
  const row = await selectTasks(trx, tenantId).where('t.id', '=', taskId).executeTakeFirst();
  if (!row) throw notFound('task');
  return toTaskView(row);
}

/** The task's list, or 404 (no lock: for reads). */
export async function requireTask(trx: Trx, tenantId: string, taskId: string) {
  const row = await trx
    .selectFrom('tasks')
    .select(['id', 'task_list_id'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskId)
    .executeTakeFirst();
  if (!row) throw notFound('task');
  return row;
}

/** Locks the task row for the rest of the transaction (concurrent toggles serialise here). */
export async function lockTask(trx: Trx, tenantId: string, taskId: string) {
  const row = await trx
    .selectFrom('tasks')
    .select(['id', 'task_list_id', 'checked'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('task');
  return row;
}

export async function assertAssignable(
  trx: Trx,
  tenantId: string,
  userId: string | null | undefined,
  path: string,
) {
  if (!userId) return;
  const user = await trx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!user) {
    throw new AppError('validation_failed', 'The assignee must be an active user of this tenant.', {
      fieldErrors: [{ path, message: 'not an active user' }],
    });
  }
}

export async function assertSectionInList(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  sectionId: string | null | undefined,
  path: string,
) {
  if (!sectionId) return;
  const section = await trx
    .selectFrom('task_sections')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('task_list_id', '=', taskListId)
    .where('id', '=', sectionId)
    .executeTakeFirst();
  if (!section) {
    throw new AppError('validation_failed', 'The section is not part of this task list.', {
      fieldErrors: [{ path, message: 'unknown section' }],
    });
  }
}

/**
 * After the last task of the list: positions grow by 1024, leaving room to insert between.
 * Holds the list's tree (lockTree) so that concurrent appends take distinct positions.
 */
export async function nextPosition(
  trx: Trx,
  tenantId: string,
  taskListId: string,
): Promise<number> {
  await lockTree(trx, tenantId, taskListId);
  const row = await trx
    .selectFrom('tasks')
    .select((eb) => eb.fn.max('position').as('max'))
    .where('tenant_id', '=', tenantId)
    .where('task_list_id', '=', taskListId)
    .executeTakeFirst();
  return (row?.max ?? 0) + 1024;
}

/**
 * Inserts a task at the given position; `columns` (from the body) override the empty
 * defaults. Returns its id: the caller reads it back with findTask.
 */
export async function insertTask(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  position: number,
  columns: Record<string, unknown>,
) {
  const created = await trx
    .insertInto('tasks')
    .values({
      tenant_id: tenantId,
      task_list_id: taskListId,
      position,
      priority: null,
      assignee_id: null,
      due_date: null,
      estimate_hours: null,
      section_id: null,
      parent_task_id: null,
      ...columns,
    } as never)
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}

/** Sets the given columns of one task. */
export async function updateTask(
  trx: Trx,
  tenantId: string,
  taskId: string,
  changes: Updateable<Database['tasks']>,
) {
  await trx
    .updateTable('tasks')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskId)
    .execute();
}

/** Its subtasks, dependencies and comments go with it (foreign keys cascade). */
export async function deleteTask(trx: Trx, tenantId: string, taskId: string) {
  await trx
    .deleteFrom('tasks')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskId)
    .execute();
}

/** Locks those of the given tasks that are in the list, one after the other by id. */
export function lockTasksInList(trx: Trx, tenantId: string, taskListId: string, ids: string[]) {
  return trx
    .selectFrom('tasks')
    .select(['id', 'checked'])
    .where('tenant_id', '=', tenantId)
    .where('task_list_id', '=', taskListId)
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
}
