import type { Trx } from '@devctx/shared';
import {
  assertAssignable,
  assertSectionInList,
  findTask,
  insertTask,
  nextPosition,
} from './queries.ts';
import { type TaskFields, taskFieldColumns } from './representation.ts';
import { assertParentAllowed } from './tree.ts';

/** Adds a task to a list: at the end unless the body gives a position. */
export async function createTask(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  body: TaskFields & { checked?: boolean | undefined },
) {
  await assertAssignable(trx, tenantId, body.assigneeId, 'body.assigneeId');
  await assertSectionInList(trx, tenantId, taskListId, body.sectionId, 'body.sectionId');
  await assertParentAllowed(trx, tenantId, taskListId, body.parentTaskId, 'body.parentTaskId');
  const { checked, ...fields } = body;
  const position = body.position ?? (await nextPosition(trx, tenantId, taskListId));
  const id = await insertTask(trx, tenantId, taskListId, position, {
    ...(checked !== undefined ? { checked } : {}),
    ...taskFieldColumns(fields),
  });
  return findTask(trx, tenantId, id);
}
