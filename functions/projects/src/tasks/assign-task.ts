import type { Trx } from '@devctx/shared';
import { assertAssignable, findTask, lockTask, updateTask } from './queries.ts';

/** Assigns the task to an active user of the tenant, or clears it with null. */
export async function assignTask(
  trx: Trx,
  tenantId: string,
  taskId: string,
  userId: string | null,
) {
  await lockTask(trx, tenantId, taskId);
  await assertAssignable(trx, tenantId, userId, 'body.userId');
  await updateTask(trx, tenantId, taskId, { assignee_id: userId });
  return findTask(trx, tenantId, taskId);
}
