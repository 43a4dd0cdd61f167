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

/** Conversations, each with the number of its messages. */
function selectConversations(trx: Trx, tenantId: string) {
  return trx
    .selectFrom('conversations as c')
    .select(['c.id', 'c.session_id', 'c.title', 'c.created_at'])
    .select((eb) =>
      eb
        .selectFrom('messages as m')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('m.tenant_id', '=', 'c.tenant_id')
        .whereRef('m.conversation_id', '=', 'c.id')
        .as('message_count'),
    )
    .where('c.tenant_id', '=', tenantId);
}

/** A session's conversations, oldest first. */
export function listConversations(trx: Trx, tenantId: string, sessionId: string) {
  return selectConversations(trx, tenantId)
    .where('c.session_id', '=', sessionId)
    .orderBy('c.created_at')
    .orderBy('c.id')
    .execute();
}

/** The conversation with its message count; undefined when there is none. */
export function findConversationWithCount(trx: Trx, tenantId: string, id: string) {
  return selectConversations(trx, tenantId).where('c.id', '=', id).executeTakeFirst();
}

export function insertConversation(
  trx: Trx,
  tenantId: string,
  sessionId: string,
  title: string | null,
) {
  return trx
    .insertInto('conversations')
    .values({ tenant_id: tenantId, session_id: sessionId, title })
    .returning(['id', 'session_id', 'title', 'created_at'])
    .executeTakeFirstOrThrow();
}
