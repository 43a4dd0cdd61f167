import { adminQuery, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchHelpers } from './search-support.ts';
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

const { tenantWithTexts, everyHit, byDefinition, cursorKinds, byDay } = searchHelpers(() => h);

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

  it('gives a phrase the windows of the texts holding its words, each by the phrase’s rank', async () => {
    // "alpha alpha" is in two thirds of the texts with alpha, so a window of 2,000 texts
    // with alpha holds about 1,333 of its matches. It is read newest first (half the texts
    // have alpha). "alpha the beta" (alpha, any word, beta: alpha twice) is looked up by
    // day (a quarter have both words). The neighbour's 2,000 texts with alpha, of 4,000,
    // are read from every match.
    for (const [who, q, candidates, hits] of [
      [owner, '"alpha alpha"', 'alpha', 6666],
      [owner, '"alpha the beta"', 'alpha beta', 3333],
      [other, '"alpha alpha"', 'alpha', 1333],
    ] as const) {
      const expected = await byDefinition(who, q, candidates);
      expect(expected.length, q).toBe(hits);
      // Not the windows of its matches, when there are more than one: those would hold
      // other texts.
      if (hits > 2000) expect(expected).not.toEqual(await byDefinition(who, q));
      expect(await everyHit(who, q), q).toEqual(expected);
    }
    expect(await byDay(owner, '"alpha the beta"')).toBe(true);
    // Every page of such a search says so in its cursor.
    expect(await cursorKinds(owner, '"alpha alpha"')).toEqual(['c']);
  }, 120_000);

  it('gives a phrase rare among the texts holding its words the windows of its matches', async () => {
    // 30 texts with "zeta eta", older than 3,000 with zeta and eta apart: the newest 2,000
    // texts with both words hold no match, and the next window would have to be read too.
    const rare = await tenantWithTexts('rare-phrase', [
      [30, 'zeta eta side by side'],
      [1000, 'zeta apart from eta'],
      [1000, 'zeta far from eta'],
      [1000, 'zeta away from eta'],
    ]);
    const expected = await byDefinition(rare, '"zeta eta"');
    expect(expected).toHaveLength(30);
    expect(await everyHit(rare, '"zeta eta"')).toEqual(expected);
    expect(await cursorKinds(rare, '"zeta eta"')).toEqual(['']);
  }, 120_000);

  it('joins a phrase’s words by “and” only outside quoted words, and not under a negation', async () => {
    const relaxed = async (query: string) =>
      (
        await adminQuery<{ q: string }>(
          h.database.adminUrl,
          'select search_candidates_query($1::tsquery)::text as q',
          [query],
        )
      )[0]?.q;
    expect(await relaxed(`'tenant' <-> 'session' <2> 'key'`)).toBe(`'tenant' & 'session' & 'key'`);
    expect(await relaxed(`('a' | 'b') <-> 'c' | 'd' <-> 'e'`)).toBe(
      `( 'a' | 'b' ) & 'c' | 'd' & 'e'`,
    );
    expect(await relaxed(`'a<->b!' <-> 'it''s'`)).toBe(`'a<->b!' & 'it''s'`);
    expect(await relaxed(`'a' & !( 'b' <-> 'c' )`)).toBe(`'a' & !( 'b' <-> 'c' )`);
    expect(await relaxed(`'a' & 'b'`)).toBe(`'a' & 'b'`);
  });

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
