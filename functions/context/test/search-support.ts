import { adminQuery, type Reply, setTenantTier } from '@devctx/shared/testing';
import pg from 'pg';
import { expect } from 'vitest';
import { type SignedUp, signup, type startContext } from './support.ts';

type Harness = Awaited<ReturnType<typeof startContext>>;

/** Search as a client pages through it, and as the order's definition says, over `h()`. */
export function searchHelpers(h: () => Harness) {
  /**
   * A new tenant (enterprise: no quota in the way) with one conversation of texts, a batch
   * per [count, text]: `count` texts "<text> <i>", each batch newer than the one before.
   */
  async function tenantWithTexts(slug: string, batches: (readonly [number, string])[]) {
    const who = await signup(h().anonymous, slug);
    await setTenantTier(h().database.adminUrl, who.tenant.id, 'enterprise');
    const session = await who.client.post('/v1/sessions', { tool: 'claude-code' });
    const talk = await who.client.post(`/v1/sessions/${session.body.id}/conversations`, {});
    for (const [count, text] of batches) {
      const messages = Array.from({ length: count }, (_, i) => ({
        role: 'user',
        content: `${text} ${i}`,
      }));
      const reply = await who.client.post(`/v1/conversations/${talk.body.id}/messages`, {
        messages,
      });
      expect(reply.status).toBe(201);
    }
    return who;
  }

  /** Every hit's message id, page after page. */
  async function everyHit(who: SignedUp, q: string) {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: Reply = await who.client.get(
        `/v1/search/messages?q=${encodeURIComponent(q)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.status).toBe(200);
      seen.push(...reply.body.items.map((hit: { messageId: string }) => hit.messageId));
      cursor = reply.body.nextCursor;
    } while (cursor);
    return seen;
  }

  /**
   * The order by definition: windows of 2,000 texts that may match (newest first), the
   * matches of each ranked. The texts that may match are those of `candidates`: the query
   * itself, or for a phrase the same words anywhere.
   */
  async function byDefinition(who: SignedUp, q: string, candidates = q) {
    const rows = await adminQuery<{ id: string }>(
      h().database.adminUrl,
      `select m.id::text as id
         from (select b.hash, ts_rank(b.search, q) as rank, b.search @@ q as hit,
                      (row_number() over (order by b.created_at desc, b.hash desc) - 1) / 2000 as win
                 from message_bodies b, websearch_to_tsquery('english', $2) q,
                      websearch_to_tsquery('english', $3) c
                where b.tenant_id = $1 and b.search @@ c) x
         join messages m on m.tenant_id = $1 and m.body_hash = x.hash
        where x.hit
        order by x.win, x.rank desc, x.hash desc`,
      [who.tenant.id, q, candidates],
    );
    return rows.map((r) => r.id);
  }

  /** The window kind each page's cursor names (`c`: texts that may match), page after page. */
  async function cursorKinds(who: SignedUp, q: string) {
    const kinds = new Set<string>();
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const reply: Reply = await who.client.get(
        `/v1/search/messages?q=${encodeURIComponent(q)}&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      cursor = reply.body.nextCursor;
      if (!cursor) break;
      const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      kinds.add(after.split('|')[4]?.startsWith('c') ? 'c' : '');
    }
    return [...kinds];
  }

  /**
   * search_message_windows(q, limit, top at, top hash, after rank, after hash, candidates,
   * bottom at, bottom hash)
   * as the application runs it, as `who`, with the debug notices it raised.
   */
  async function windowsOf(who: SignedUp, q: string, args: unknown[]) {
    const client = new pg.Client({ connectionString: h().database.appUrl });
    await client.connect();
    try {
      const notices: string[] = [];
      client.on('notice', (notice) => notices.push(notice.message ?? ''));
      await client.query(`select set_config('app.tenant_id', $1, false)`, [who.tenant.id]);
      await client.query('set client_min_messages = debug1');
      const { rows } = await client.query<{
        rank: string;
        hash: Buffer;
        window_at: string;
        window_hash: Buffer;
        bottom_at: string;
        bottom_hash: Buffer;
      }>(
        `select rank::text, hash, window_at::text, window_hash, bottom_at::text, bottom_hash
           from search_message_windows(websearch_to_tsquery('english', $1),
                                       $2, $3, $4, $5, $6, $7, $8, $9)`,
        [q, ...args],
      );
      return { rows, notices };
    } finally {
      await client.end();
    }
  }

  /** Whether the first page of `q` was looked up by day (the function says so at debug level). */
  async function byDay(who: SignedUp, q: string) {
    const { rows, notices } = await windowsOf(who, q, [20, ...Array(7).fill(null)]);
    expect(rows).toHaveLength(20);
    return notices.some((n) => /^search window by \d+ days?$/.test(n));
  }

  return { tenantWithTexts, everyHit, byDefinition, cursorKinds, windowsOf, byDay };
}
