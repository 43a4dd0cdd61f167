import { adminQuery, type Reply, setTenantTier } from '@devctx/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// A query with many matches, but not among most texts, is asked of the text index with the
// days its window of the 2,000 newest matches should lie in (sql/migrations/0034). The
// hits must be exactly those of reading every match: the same windows, the same order,
// every hit once, and never another tenant's, although its texts are of the same days.
const TEXTS = 20_000; // a quarter match "alpha beta": more than two windows' worth
const QUERY = 'alpha beta';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let other: SignedUp;

async function ingest(who: SignedUp, count: number, label: string) {
  const session = await who.client.post('/v1/sessions', { tool: 'claude-code' });
  const conversation = await who.client.post(`/v1/sessions/${session.body.id}/conversations`, {});
  for (let start = 0; start < count; start += 1000) {
    const messages = Array.from({ length: Math.min(1000, count - start) }, (_, n) => {
      const i = start + n;
      // "alpha" in every other text, "beta" in every other pair: both in a quarter, with
      // ranks that differ (alpha once, twice or three times).
      const alpha = i % 2 === 0 ? 'alpha '.repeat(1 + (i % 3)) : 'gamma ';
      const beta = Math.floor(i / 2) % 2 === 0 ? 'beta ' : 'delta ';
      return { role: 'user', content: `${alpha}${beta}${label} text ${i}` };
    });
    const reply = await who.client.post(`/v1/conversations/${conversation.body.id}/messages`, {
      messages,
    });
    if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  }
}

beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'days');
  other = await signup(h.anonymous, 'neighbour');
  for (const who of [owner, other])
    await setTenantTier(h.database.adminUrl, who.tenant.id, 'enterprise');
  await ingest(owner, TEXTS, 'own');
  await ingest(other, 4000, 'theirs');
  // Both tenants' texts over the same ten days, as if they came over ten days.
  for (const who of [owner, other]) await spread(who, 10);
}, 180_000);
afterAll(() => h.close());

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

/** The order by definition: matches in windows of 2,000 (newest first), ranked within. */
async function byDefinition(who: SignedUp, q: string) {
  const rows = await adminQuery<{ id: string }>(
    h.database.adminUrl,
    `select m.id::text as id
       from (select b.hash, ts_rank(b.search, q) as rank,
                    (row_number() over (order by b.created_at desc, b.hash desc) - 1) / 2000 as win
               from message_bodies b, websearch_to_tsquery('english', $2) q
              where b.tenant_id = $1 and b.search @@ q) x
       join messages m on m.tenant_id = $1 and m.body_hash = x.hash
      order by x.win, x.rank desc, x.hash desc`,
    [who.tenant.id, q],
  );
  return rows.map((r) => r.id);
}

/** Whether the first page of `q` was looked up by day (the function says so at debug level). */
async function byDay(who: SignedUp, q: string) {
  const client = new pg.Client({ connectionString: h.database.appUrl });
  await client.connect();
  try {
    const notices: string[] = [];
    client.on('notice', (notice) => notices.push(notice.message ?? ''));
    await client.query(`select set_config('app.tenant_id', $1, false)`, [who.tenant.id]);
    await client.query('set client_min_messages = debug1');
    const { rows } = await client.query(
      `select count(*)::int as hits
         from search_message_windows(websearch_to_tsquery('english', $1), 20, null, null, null, null)`,
      [q],
    );
    expect(rows[0]?.hits).toBe(20);
    return notices.some((n) => /^search window by \d+ days?$/.test(n));
  } finally {
    await client.end();
  }
}

/** Moves every text of a tenant back by up to `days` days (the same for a text each time). */
async function spread(who: SignedUp, days: number) {
  await adminQuery(
    h.database.adminUrl,
    `update message_bodies
        set created_at = now() - make_interval(days => abs(hashtext(encode(hash, 'hex'))) % $2)
      where tenant_id = $1`,
    [who.tenant.id, days],
  );
  await adminQuery(h.database.adminUrl, 'analyze message_bodies');
}

describe('search by day', () => {
  it('gives what reading every match gives: windows of the newest 2,000, each by rank, every hit once, only the tenant’s own', async () => {
    const expected = await byDefinition(owner, QUERY);
    expect(expected.length).toBe(TEXTS / 4);
    expect(await byDay(owner, QUERY)).toBe(true);
    expect(await everyHit(owner, QUERY)).toEqual(expected);
    // The neighbour's texts of the same days are its own to find.
    expect(await everyHit(other, QUERY)).toHaveLength(1000);
  }, 120_000);

  it('reads every match instead when a window spans more days than a look-up takes, and takes a text of no end of time', async () => {
    // A time without end (archives imported before they were refused) is a day too.
    await adminQuery(
      h.database.adminUrl,
      `insert into message_bodies (tenant_id, hash, content, byte_size, created_at)
       values ($1, sha256(convert_to('endless', 'UTF8')), 'endless', 7, 'infinity')`,
      [other.tenant.id],
    );
    await spread(owner, 400);
    expect(await byDay(owner, QUERY)).toBe(false);
    expect(await everyHit(owner, QUERY)).toEqual(await byDefinition(owner, QUERY));
    expect(await everyHit(other, 'endless')).toHaveLength(0); // a text no message holds
  }, 120_000);
});
