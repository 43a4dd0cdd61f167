import type { Trx } from '@devctx/shared';
import { containsPattern, instantSchema } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

export const searchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe('Words, "a phrase", -excluded; identifiers and paths match as written.'),
  projectId: z.uuid().optional(),
  sessionId: z.uuid().optional(),
  role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
  tag: z.string().max(100).optional(),
  since: instantSchema().optional(),
  until: instantSchema().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(400).optional(),
});
export type SearchQuery = z.infer<typeof searchQuery>;

export const searchHitSchema = z.object({
  messageId: z.uuid(),
  sessionId: z.uuid(),
  conversationId: z.uuid(),
  sequence: z.number().int(),
  role: z.string(),
  occurredAt: z.iso.datetime().nullable(),
  sessionTitle: z.string().nullable(),
  tags: z.array(z.string()),
  rank: z.number(),
  snippet: z.string().describe('HTML-escaped, matches wrapped in <mark>.'),
});

// Markers no message contains, swapped for <mark> after the text is HTML-escaped.
const OPEN = '\u0001';
const CLOSE = '\u0002';
// ts_headline drops what looks like an HTML tag (`<div>`, `Map<string>`): angle brackets go
// to it as these, and come back before escaping.
const LT = '\u0003';
const GT = '\u0004';

/** Where the previous page ended: its last hit's body (rank, hash) and message (at, id). */
export interface SearchPosition {
  /** PostgreSQL's own text of the real, so it compares equal when it comes back. */
  rank: string;
  hash: string;
  at: string;
  id: string;
}

/**
 * Ranked full-text search within one tenant: a word match (English stems or exact words
 * in any language) or a literal substring match (identifiers, paths) qualifies. Hits are
 * in one total order — the body's rank, then its hash, then within a body the newest
 * message first — and a page continues after the previous page's last hit (a keyset), so
 * paging never repeats or skips a hit, however many ties there are.
 */
export async function searchMessages(
  trx: Trx,
  tenantId: string,
  query: SearchQuery,
  after: SearchPosition | undefined,
) {
  const pattern = containsPattern(query.q);
  // Under 3 characters no trigram narrows a substring search (it would read every body):
  // such a query matches words, and word beginnings (CJK text has no word breaks).
  const short = [...query.q].length < 3;
  // Without filters on messages, limit + 2 bodies from the previous page's last hold the
  // page: that body again (maybe with nothing left), then at least a message per body. With
  // filters, every matching body after it is ranked.
  const filtered = Boolean(
    query.sessionId || query.projectId || query.role || query.tag || query.since || query.until,
  );
  const bodyLimit = filtered ? null : query.limit + 2;
  const afterHash = after ? Buffer.from(after.hash, 'hex') : null;
  const { rows } = await sql<{
    id: string;
    session_id: string;
    conversation_id: string;
    sequence: number;
    role: string;
    occurred_at: Date | null;
    title: string | null;
    tags: string[];
    rank: string;
    hash: string;
    at: string;
    content: string;
    headline: string;
  }>`
    with q as (
      select websearch_to_tsquery('english', ${query.q})
             ${short ? sql`|| to_tsquery('simple', ${`'${query.q.replace(/['\\]/g, (c) => c + c)}':*`})` : sql``} as tsq
    ),
    -- Through the definer function: it can use the text indexes (see migration 0011).
    hits as (
      select f.hash, f.rank
        from q, search_message_bodies(q.tsq, ${short ? null : pattern}::text, ${bodyLimit}::integer,
                                      ${after?.rank ?? null}::real, ${afterHash}::bytea) f
    ),
    page as (
      select m.id, m.session_id, m.conversation_id, m.sequence, m.role, m.occurred_at, m.tags,
             s.title, h.rank, h.hash, coalesce(m.occurred_at, m.created_at) as at
        from hits h
        join messages m on m.tenant_id = ${tenantId} and m.body_hash = h.hash
        join ai_sessions s on s.tenant_id = m.tenant_id and s.id = m.session_id
       where true
         ${query.sessionId ? sql`and m.session_id = ${query.sessionId}` : sql``}
         ${query.projectId ? sql`and s.project_id = ${query.projectId}` : sql``}
         ${query.role ? sql`and m.role = ${query.role}` : sql``}
         ${query.tag ? sql`and ${query.tag} = any (m.tags)` : sql``}
         ${query.since ? sql`and coalesce(m.occurred_at, m.created_at) >= ${new Date(query.since)}` : sql``}
         ${query.until ? sql`and coalesce(m.occurred_at, m.created_at) < ${new Date(query.until)}` : sql``}
         ${
           after
             ? sql`and ((h.rank, h.hash) < (${after.rank}::real, ${afterHash}::bytea)
                        or ((h.rank, h.hash) = (${after.rank}::real, ${afterHash}::bytea)
                            and (coalesce(m.occurred_at, m.created_at), m.id) < (${after.at}::timestamptz, ${after.id}::uuid)))`
             : sql``
         }
       order by h.rank desc, h.hash desc, at desc, m.id desc
       limit ${query.limit + 1}
    )
    -- Snippets only for the page: ts_headline re-parses the text and is the costly part.
    select p.id, p.session_id, p.conversation_id, p.sequence, p.role, p.occurred_at, p.tags,
           p.title, p.rank::text as rank, encode(p.hash, 'hex') as hash, p.at::text as at,
           left(b.content, 2000) as content,
           ts_headline('english', translate(left(b.content, 20000), '<>', ${`${LT}${GT}`}), q.tsq,
                       ${`StartSel=${OPEN}, StopSel=${CLOSE}, MaxFragments=2, MaxWords=24, MinWords=6, FragmentDelimiter=" … "`}) as headline
      from page p
      join message_bodies b on b.tenant_id = ${tenantId} and b.hash = p.hash
      cross join q
     order by p.rank desc, p.hash desc, p.at desc, p.id desc`.execute(trx);

  return rows.map((row) => ({ ...row, snippet: snippet(row.headline, row.content, query.q) }));
}

/** ts_headline's fragments; for a substring-only match, the text around the substring. */
function snippet(headline: string, content: string, q: string): string {
  let marked = headline.replaceAll(LT, '<').replaceAll(GT, '>');
  if (!headline.includes(OPEN)) {
    const at = content.toLowerCase().indexOf(q.toLowerCase());
    if (at >= 0) {
      const start = Math.max(0, at - 80);
      const end = Math.min(content.length, at + q.length + 80);
      marked = `${start > 0 ? '…' : ''}${content.slice(start, at)}${OPEN}${content.slice(at, at + q.length)}${CLOSE}${content.slice(at + q.length, end)}${end < content.length ? '…' : ''}`;
    }
  }
  const escaped = marked.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return escaped.replaceAll(OPEN, '<mark>').replaceAll(CLOSE, '</mark>');
}
