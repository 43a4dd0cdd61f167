import type { Trx } from '@devctx/shared';
import {
  assertAssignable,
  assertSectionInList,
  findTask,
  lockTask,
  updateTask,
} from './queries.ts';
import { type TaskFields, taskFieldColumns } from './representation.ts';
import { assertParentAllowed, lockTree } from './tree.ts';

/** Changes the fields the body names; the assignee and section are checked first. */
export async function changeTask(trx: Trx, tenantId: string, taskId: string, body: TaskFields) {
  // A new parent changes the list's tree: hold the tree before the task, in the order
  // appends and list deletes take them.
  if (body.parentTaskId)
    await lockTree(trx, tenantId, (await findTask(trx, tenantId, taskId)).taskListId);
  const current = await lockTask(trx, tenantId, taskId);
  await assertAssignable(trx, tenantId, body.assigneeId, 'body.assigneeId');
  await assertSectionInList(trx, tenantId, current.task_list_id, body.sectionId, 'body.sectionId');
  await assertParentAllowed(
    trx,
    tenantId,
    current.task_list_id,
    body.parentTaskId,
    'body.parentTaskId',
    taskId,
  );
  await updateTask(trx, tenantId, taskId, taskFieldColumns(body) as never);
  return findTask(trx, tenantId, taskId);
}
