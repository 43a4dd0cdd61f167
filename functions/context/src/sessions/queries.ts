import { notFound, type Trx } from '@devctx/shared';
import { sessionColumns } from './representation.ts';

export async function findSession(trx: Trx, tenantId: string, sessionId: string) {
  const row = await trx
    .selectFrom('ai_sessions')
    .select(sessionColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) throw notFound('session');
  return row;
}
