import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { findSession } from './queries.ts';

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
    // Clamped in SQL, against the stored start at its own precision (a start written
    // before starts were kept to milliseconds may hold microseconds).
    await trx
      .updateTable('ai_sessions')
      .set({ ended_at: sql<Date>`greatest(${end}::timestamptz, started_at)` })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', sessionId)
      .execute();
  }
  return findSession(trx, tenantId, sessionId);
}
