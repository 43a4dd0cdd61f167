import { actorOf, actorScope, defineRoute, notFound, type Trx, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { findSession } from '../sessions/queries.ts';

const conversationSchema = z.object({
  id: z.uuid(),
  sessionId: z.uuid(),
  title: z.string().nullable(),
  messageCount: z.number().int(),
  createdAt: z.iso.datetime(),
});
type ConversationRow = {
  id: string;
  session_id: string;
  title: string | null;
  created_at: Date;
  message_count: number;
};
const toView = (c: ConversationRow) => ({
  id: c.id,
  sessionId: c.session_id,
  title: c.title,
  messageCount: c.message_count,
  createdAt: c.created_at.toISOString(),
});

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

export const conversationRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/sessions/{id}/conversations',
    summary: 'Conversations of a session',
    tags: ['sessions'],
    permission: 'sessions:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: {
        description: 'Conversations',
        schema: z.object({ items: z.array(conversationSchema), nextCursor: z.null() }),
      },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findSession(trx, tenantId, params.id);
        return selectConversations(trx, tenantId)
          .where('c.session_id', '=', params.id)
          .orderBy('c.created_at')
          .orderBy('c.id')
          .execute();
      });
      return {
        body: {
          items: rows.map((r) => toView({ ...r, message_count: Number(r.message_count ?? 0) })),
          nextCursor: null,
        },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/conversations',
    summary: 'Start a conversation in a session',
    tags: ['sessions'],
    permission: 'sessions:write',
    params: z.object({ id: z.uuid() }),
    body: z.object({ title: z.string().max(500).optional() }),
    responses: {
      201: { description: 'Created', schema: conversationSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findSession(trx, tenantId, params.id);
        return trx
          .insertInto('conversations')
          .values({ tenant_id: tenantId, session_id: params.id, title: body.title ?? null })
          .returning(['id', 'session_id', 'title', 'created_at'])
          .executeTakeFirstOrThrow();
      });
      return { status: 201, body: toView({ ...row, message_count: 0 }) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/conversations/{id}',
    summary: 'A conversation',
    tags: ['sessions'],
    permission: 'sessions:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'The conversation', schema: conversationSchema },
      404: { description: 'No such conversation' },
    },
    handler: async (ctx, { params }) => {
      const row = await withTenant(actorScope(ctx), (trx) =>
        selectConversations(trx, actorOf(ctx).tenantId)
          .where('c.id', '=', params.id)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('conversation');
      return { body: toView({ ...row, message_count: Number(row.message_count ?? 0) }) };
    },
  }),
];
