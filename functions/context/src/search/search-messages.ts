import type { Trx } from '@devctx/shared';
import { instantSchema } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { cjkPairs } from '../messages/code-words.ts';

export const searchQuery = z.object({
  q: z
    .string()
    .trim()
    .min(1)
    .max(500)
    .describe(
      'Words, "a phrase", -excluded; identifiers and paths match as written, or by a trailing part (with-tenant.ts) or their pieces (log_handler).',
    ),
  projectId: z.uuid().optional(),
  sessionId: z.uuid().optional(),
  role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
  tag: z.string().max(100).optional(),
  since: instantSchema().optional(),
  until: instantSchema().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  cursor: z.string().max(600).optional(),
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

const SEARCH_TIMEOUT_MS = 5000;

// Markers no message contains, swapped for <mark> after the text is HTML-escaped.
const OPEN = '\u0001';
const CLOSE = '\u0002';
// ts_headline drops what looks like an HTML tag (`<div>`, `Map<string>`): angle brackets go
// to it as these, and come back before escaping.
const LT = '\u0003';
const GT = '\u0004';

/**
 * Where the previous page ended: its last hit's window (the newest text of the window of
 * recent matches it was ranked in; none for a filtered search, which ranks every match),
 * body (rank, hash) and message (at, id).
 */
export interface SearchPosition {
  window?:
    | {
        at: string;
        hash: string;
        /** A window of the texts that may hold the query's phrases (sql/migrations/0035). */
        candidates: boolean;
        /** The window's oldest text (cursors before migration 0035 have none). */
        bottom?: { at: string; hash: string } | undefined;
      }
    | undefined;
  /** PostgreSQL's own text of the real, so it compares equal when it comes back. */
  rank: string;
  hash: string;
  at: string;
  id: string;
}

/**
 * Ranked full-text search within one tenant: English stems, exact words in any language,
 * and identifiers and paths as written or by their trailing parts and pieces (the text's
 * code words, messages/code-words.ts). Hits are
 * in one total order — the window of recent matches they are ranked in (newest first;
 * sql/migrations/0032), the body's rank, then its hash, then within a body the newest
 * message first — and a page continues after the previous page's last hit (a keyset), so
 * paging never repeats or skips a hit, however many ties there are.
 */
export async function searchMessages(
  trx: Trx,
  tenantId: string,
  query: SearchQuery,
  after: SearchPosition | undefined,
) {
  // Under 3 characters a query also matches word beginnings (CJK text has no word breaks).
  const short = [...query.q].length < 3;
  const cjk = cjkPhrases(query.q);
  // Without filters on messages, limit + 2 bodies from the previous page's last hold the
  // page: that body again (maybe with nothing left), then at least a message per body.
  const filtered = Boolean(
    query.sessionId || query.projectId || query.role || query.tag || query.since || query.until,
  );
  const afterHash = after ? Buffer.from(after.hash, 'hex') : null;
  const afterWindow = after?.window
    ? {
        at: after.window.at,
        hash: Buffer.from(after.window.hash, 'hex'),
        candidates: after.window.candidates,
        bottomAt: after.window.bottom?.at ?? null,
        bottomHash: after.window.bottom ? Buffer.from(after.window.bottom.hash, 'hex') : null,
      }
    : undefined;
  // A filtered search ranks every matching body (the filters may leave few of their
  // messages); otherwise matches are ranked a window of recent ones at a time.
  const bodies = filtered
    ? sql`select f.hash, f.rank, null::timestamptz as window_at, null::bytea as window_hash,
                 null::boolean as candidate_windows, null::timestamptz as bottom_at,
                 null::bytea as bottom_hash
            from q, search_message_bodies(q.tsq, null::text, null::integer,
                                          ${after?.rank ?? null}::real, ${afterHash}::bytea) f`
    : sql`select f.hash, f.rank, f.window_at, f.window_hash, f.candidate_windows, f.bottom_at,
                 f.bottom_hash
            from q, search_message_windows(q.tsq, ${query.limit + 2}::integer,
                                           ${afterWindow?.at ?? null}::timestamptz, ${afterWindow?.hash ?? null}::bytea,
                                           ${after?.rank ?? null}::real, ${afterHash}::bytea,
                                           ${afterWindow?.candidates ?? null}::boolean,
                                           ${afterWindow?.bottomAt ?? null}::timestamptz,
                                           ${afterWindow?.bottomHash ?? null}::bytea) f`;
  // After the cursor's body (and, within that body, its message); in a later window, all.
  const afterBody = after
    ? sql`((h.rank, h.hash) < (${after.rank}::real, ${afterHash}::bytea)
           or ((h.rank, h.hash) = (${after.rank}::real, ${afterHash}::bytea)
               and (coalesce(m.occurred_at, m.created_at), m.id) < (${after.at}::timestamptz, ${after.id}::uuid)))`
    : sql`true`;
  const afterCursor = afterWindow
    ? sql`((h.window_at, h.window_hash) < (${afterWindow.at}::timestamptz, ${afterWindow.hash}::bytea)
           or ((h.window_at, h.window_hash) = (${afterWindow.at}::timestamptz, ${afterWindow.hash}::bytea)
               and ${afterBody}))`
    : afterBody;
  // However a query is built, a search gives up after a few seconds (503 with Retry-After)
  // rather than hold its connection for the whole statement timeout.
  await sql`set local statement_timeout = ${sql.lit(SEARCH_TIMEOUT_MS)}`.execute(trx);
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
    window_at: string | null;
    window_hash: string | null;
    candidate_windows: boolean | null;
    bottom_at: string | null;
    bottom_hash: string | null;
    content: string;
    headline: string;
  }>`
    with q as (
      select websearch_to_tsquery('english', ${query.q})
             ${short ? sql`|| to_tsquery('simple', ${`'${query.q.replace(/['\\]/g, (c) => c + c)}':*`})` : sql``}
             ${cjk ? sql`|| to_tsquery('english', ${cjk})` : sql``} as tsq
    ),
    -- Through the definer function: it can use the text indexes (see migration 0011).
    hits as (${bodies}),
    page as (
      select m.id, m.session_id, m.conversation_id, m.sequence, m.role, m.occurred_at, m.tags,
             s.title, h.rank, h.hash, coalesce(m.occurred_at, m.created_at) as at,
             h.window_at, h.window_hash, h.candidate_windows, h.bottom_at, h.bottom_hash
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
         and ${afterCursor}
       order by h.window_at desc, h.window_hash desc, h.rank desc, h.hash desc, at desc, m.id desc
       limit ${query.limit + 1}
    )
    -- Snippets only for the page: ts_headline re-parses the text and is the costly part.
    select p.id, p.session_id, p.conversation_id, p.sequence, p.role, p.occurred_at, p.tags,
           p.title, p.rank::text as rank, encode(p.hash, 'hex') as hash, p.at::text as at,
           p.window_at::text as window_at, encode(p.window_hash, 'hex') as window_hash,
           p.candidate_windows, p.bottom_at::text as bottom_at,
           encode(p.bottom_hash, 'hex') as bottom_hash, left(b.content, 2000) as content,
           ts_headline('english', translate(left(b.content, 20000), '<>', ${`${LT}${GT}`}), q.tsq,
                       ${`StartSel=${OPEN}, StopSel=${CLOSE}, MaxFragments=2, MaxWords=24, MinWords=6, FragmentDelimiter=" … "`}) as headline
      from page p
      join message_bodies b on b.tenant_id = ${tenantId} and b.hash = p.hash
      cross join q
     order by p.window_at desc, p.window_hash desc, p.rank desc, p.hash desc, p.at desc, p.id desc`.execute(
    trx,
  );

  return rows.map((row) => ({ ...row, snippet: snippet(row.headline, row.content, query.q) }));
}

/**
 * A run of CJK script is one word to the text parser, so a query for part of one looks for
 * the run's overlapping character pairs, as code words index them, as a phrase
 * (`'検索' <-> '索イ'`), every run of the query at once; undefined when it has none.
 */
function cjkPhrases(q: string): string | undefined {
  const phrases = cjkPairs(q).map((pairs) => `(${pairs.map((p) => `'${p}'`).join(' <-> ')})`);
  return phrases.length ? phrases.join(' & ') : undefined;
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
