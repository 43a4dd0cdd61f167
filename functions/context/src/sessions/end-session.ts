import type { Trx } from '@devctx/shared';
import { findSession, updateSession } from './queries.ts';

/**
 * Ends a session now, or at the given time (never before it started). Ending it again
 * changes nothing: the first end stays.
 */
export async function endSession(
  trx: Trx,
  tenantId: string,
  sessionId: string,
  endedAt: string | undefined,
) {
  const session = await findSession(trx, tenantId, sessionId);
  if (!session.ended_at) {
    const end = endedAt ? new Date(endedAt) : new Date();
    await updateSession(trx, tenantId, sessionId, {
      ended_at: new Date(Math.max(end.getTime(), session.started_at.getTime())),
    });
  }
  return findSession(trx, tenantId, sessionId);
}
