import { AppError, type Trx } from '@devctx/shared';
import { sql } from 'kysely';

/** How deep tasks nest: deep enough for any plan, shallow enough that every walk is short. */
export const MAX_TASK_DEPTH = 16;

const invalidParent = (path: string, message: string, detail: string) =>
  new AppError('validation_failed', detail, { fieldErrors: [{ path, message }] });

/**
 * Holds a list's tree (its row, no key update: inserts and key-share checks of its tasks
 * still pass) until the transaction ends. Every change of parents and every append in the
 * list takes it first, before any task of the list: two moves (A under B, B under A)
 * cannot both pass the cycle check, and appends get distinct positions.
 */
export async function lockTree(trx: Trx, tenantId: string, taskListId: string) {
  await trx
    .selectFrom('task_lists')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', taskListId)
    .forNoKeyUpdate()
    .execute();
}

/**
 * A parent for a task (a new one, or `taskId` moving), checked with the list's tree held
 * (lockTree): it must be a task of the same list
 * (the foreign key says so too), not the task itself nor one of its descendants, and the
 * tree may not grow deeper than MAX_TASK_DEPTH. Every walk stops at that depth.
 */
export async function assertParentAllowed(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  parentTaskId: string | null | undefined,
  path: string,
  taskId?: string,
) {
  if (!parentTaskId) return;
  await lockTree(trx, tenantId, taskListId);
  if (parentTaskId === taskId)
    throw invalidParent(path, 'the task itself', 'A task cannot be its own parent.');
  const { rows: ancestors } = await sql<{ id: string }>`
    with recursive up (id, parent_task_id, depth) as (
      select id, parent_task_id, 1 from tasks
       where tenant_id = ${tenantId} and task_list_id = ${taskListId} and id = ${parentTaskId}
      union all
      select t.id, t.parent_task_id, u.depth + 1
        from up u join tasks t on t.tenant_id = ${tenantId} and t.id = u.parent_task_id
       where u.depth <= ${MAX_TASK_DEPTH}
    )
    select id from up`.execute(trx);
  if (ancestors.length === 0)
    throw invalidParent(
      path,
      'not a task of this list',
      'The parent task is not part of this task list.',
    );
  if (taskId && ancestors.some((a) => a.id === taskId))
    throw invalidParent(
      path,
      'a descendant of the task',
      'A task cannot be moved under one of its own subtasks.',
    );
  const height = taskId ? await subtreeHeight(trx, tenantId, taskId) : 0;
  if (ancestors.length + 1 + height > MAX_TASK_DEPTH)
    throw invalidParent(path, 'too deep', `Tasks nest at most ${MAX_TASK_DEPTH} levels deep.`);
}

/** Levels of subtasks below a task (0 for a task without any), counted up to the limit. */
async function subtreeHeight(trx: Trx, tenantId: string, taskId: string): Promise<number> {
  const { rows } = await sql<{ height: number }>`
    with recursive down (id, depth) as (
      select ${taskId}::uuid, 0
      union all
      select t.id, d.depth + 1
        from down d join tasks t on t.tenant_id = ${tenantId} and t.parent_task_id = d.id
       where d.depth < ${MAX_TASK_DEPTH}
    )
    select max(depth)::int as height from down`.execute(trx);
  return rows[0]?.height ?? 0;
}
