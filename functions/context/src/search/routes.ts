import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  invalidCursor,
  isInstant,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import {
  type SearchPosition,
  searchHitSchema,
  searchMessages,
  searchQuery,
} from './search-messages.ts';

const RANK = /^\d{1,10}(?:\.\d{1,12})?(?:e-\d{1,2})?$/;
const HASH = /^[\da-f]{64}$/;
const WINDOW_HASH = /^(c?)([\da-f]{64})$/;

/**
 * A search cursor: rank, body hash and time of the last hit, its message id, and the
 * window of recent matches it was ranked in (its newest and oldest texts' time and hash),
 * if any. The hash of a window of texts that may hold the query's phrases has a `c` before
 * it, which the previous release refuses (it would have read the window as one of matches).
 */
function searchPosition(cursor: string | undefined): SearchPosition | undefined {
  const position = decodeCursor(cursor, { after: 'text' });
  if (!position) return undefined;
  const [
    rank = '',
    hash = '',
    at = '',
    windowAt,
    windowHash = '',
    bottomAt,
    bottomHash = '',
    ...rest
  ] = position.after.split('|');
  if (!RANK.test(rank) || !HASH.test(hash) || !isInstant(at)) throw invalidCursor();
  if (windowAt === undefined) return { rank, hash, at, id: position.id };
  const windowOf = WINDOW_HASH.exec(windowHash);
  if (!isInstant(windowAt) || !windowOf || rest.length > 0) throw invalidCursor();
  if (bottomAt !== undefined && (!isInstant(bottomAt) || !HASH.test(bottomHash))) {
    throw invalidCursor();
  }
  const window = {
    at: windowAt,
    hash: windowOf[2] as string,
    candidates: windowOf[1] === 'c',
    bottom: bottomAt === undefined ? undefined : { at: bottomAt, hash: bottomHash },
  };
  return { rank, hash, at, id: position.id, window };
}

const encodeCursor = (hit: {
  rank: string;
  hash: string;
  at: string;
  id: string;
  window_at: string | null;
  window_hash: string | null;
  candidate_windows: boolean | null;
  bottom_at: string | null;
  bottom_hash: string | null;
}) => {
  const kind = hit.candidate_windows ? 'c' : '';
  const window = hit.window_at
    ? `|${hit.window_at}|${kind}${hit.window_hash}|${hit.bottom_at}|${hit.bottom_hash}`
    : '';
  const after = `${hit.rank}|${hit.hash}|${hit.at}${window}`;
  return Buffer.from(JSON.stringify({ after, id: hit.id })).toString('base64url');
};

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
      const after = searchPosition(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) =>
        searchMessages(trx, actorOf(ctx).tenantId, query, after),
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
        rank: Math.round(Number(r.rank) * 10000) / 10000,
        snippet: r.snippet,
      }));
      const last = rows[query.limit - 1];
      const nextCursor = rows.length > query.limit && last ? encodeCursor(last) : null;
      return { body: { items, nextCursor } };
    },
  }),
];
