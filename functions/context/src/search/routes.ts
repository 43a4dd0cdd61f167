import { actorOf, actorScope, decodeCursor, defineRoute, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { searchHitSchema, searchMessages, searchQuery } from './search-messages.ts';

export const searchRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/search/messages',
    summary: 'Search messages: ranked, highlighted, filterable',
    tags: ['search'],
    permission: 'sessions:read',
    query: searchQuery,
    responses: {
      200: {
        description: 'A page of hits',
        schema: z.object({ items: z.array(searchHitSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const offset = Number(
        decodeCursor(query.cursor, { after: 'integer', id: 'none' })?.after ?? 0,
      );
      const rows = await withTenant(actorScope(ctx), (trx) =>
        searchMessages(trx, actorOf(ctx).tenantId, query, Number.isInteger(offset) ? offset : 0),
      );
      const items = rows.slice(0, query.limit).map((r) => ({
        messageId: r.id,
        sessionId: r.session_id,
        conversationId: r.conversation_id,
        sequence: r.sequence,
        role: r.role,
        occurredAt: r.occurred_at?.toISOString() ?? null,
        sessionTitle: r.title,
        tags: r.tags,
        rank: Math.round(r.rank * 10000) / 10000,
        snippet: r.snippet,
      }));
      const nextCursor =
        rows.length > query.limit
          ? Buffer.from(JSON.stringify({ after: String(offset + query.limit), id: '' })).toString(
              'base64url',
            )
          : null;
      return { body: { items, nextCursor } };
    },
  }),
];
