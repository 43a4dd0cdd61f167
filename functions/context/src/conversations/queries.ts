import { notFound, type Trx } from '@devctx/shared';

/** The conversation's id and session, or 404. */
export async function findConversation(trx: Trx, tenantId: string, id: string) {
  const row = await trx
    .selectFrom('conversations')
    .select(['id', 'session_id'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('conversation');
  return row;
}
