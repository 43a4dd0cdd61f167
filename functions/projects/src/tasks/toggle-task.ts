import type { Trx } from '@devctx/shared';
import { findTask, lockTask, updateTask } from './queries.ts';

/**
 * Flips the checkbox, or sets it to the given value. Idempotent with a value: the row is
 * locked, so concurrent toggles serialise, and an unchanged value writes nothing.
 */
export async function toggleTask(
  trx: Trx,
  tenantId: string,
  taskId: string,
  wanted: boolean | undefined,
) {
  const current = await lockTask(trx, tenantId, taskId);
  const checked = wanted ?? !current.checked;
  if (checked !== current.checked) await updateTask(trx, tenantId, taskId, { checked });
  return findTask(trx, tenantId, taskId);
}
