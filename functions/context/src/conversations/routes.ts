import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { findSession } from '../sessions/queries.ts';
import { findConversationWithCount, insertConversation, listConversations } from './queries.ts';

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
        return listConversations(trx, tenantId, params.id);
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
        return insertConversation(trx, tenantId, params.id, body.title ?? null);
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
        findConversationWithCount(trx, actorOf(ctx).tenantId, params.id),
      );
      if (!row) throw notFound('conversation');
      return { body: toView({ ...row, message_count: Number(row.message_count ?? 0) }) };
    },
  }),
];
