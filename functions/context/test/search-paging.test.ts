import type { Reply } from '@devctx/shared/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// Paging through search results: every hit exactly once, in the order one big page gives,
// however the results tie. The corpus is built to tie: the same body in many messages and
// sessions, bodies of equal length (equal rank), and a word in nearly everything.
let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
const VOCABULARY = [
  'checkpoint',
  'export',
  'dedup',
  'parser',
  'deploy',
  'rollback',
  'cache',
  'index',
];

beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'paging');
  for (let s = 0; s < 6; s++) {
    const session = await owner.client.post('/v1/sessions', {
      tool: 'claude-code',
      title: `paging ${s}`,
    });
    const conversation = await owner.client.post(
      `/v1/sessions/${session.body.id}/conversations`,
      {},
    );
    const messages = Array.from({ length: 25 }, (_, i) => {
      const a = VOCABULARY[(s + i) % VOCABULARY.length] as string;
      const b = VOCABULARY[(s * 3 + i * 5) % VOCABULARY.length] as string;
      // Every fifth message repeats one body everywhere: one body, many messages.
      const content =
        i % 5 === 0
          ? 'checkpoint saved before the export'
          : `${a} then ${b} step ${i % 7} of checkpoint work`;
      return {
        role: i % 2 ? 'assistant' : 'user',
        content,
        occurredAt: new Date(Date.UTC(2026, 10, 1, s, i)).toISOString(),
      };
    });
    const reply = await owner.client.post(`/v1/conversations/${conversation.body.id}/messages`, {
      messages,
    });
    if (reply.status !== 201) throw new Error(JSON.stringify(reply.body));
  }
}, 60_000);
afterAll(() => h.close());

type Hit = { messageId: string };
async function pages(q: string, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let n = 0; n < 500; n++) {
    const reply: Reply = await owner.client.get(
      `/v1/search/messages?q=${encodeURIComponent(q)}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(reply.status).toBe(200);
    seen.push(...(reply.body.items as Hit[]).map((i) => i.messageId));
    cursor = reply.body.nextCursor;
    if (!cursor) return seen;
  }
  throw new Error('paging never ended');
}

describe('search paging', () => {
  it('gives every hit once, in one order, whatever the page size and the query', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          ...VOCABULARY,
          'checkpoint export',
          'step',
          '"checkpoint work"',
          'check',
          'dedup -parser',
        ),
        fc.integer({ min: 1, max: 9 }),
        async (q, limit) => {
          const all = (
            await owner.client.get(`/v1/search/messages?q=${encodeURIComponent(q)}&limit=200`)
          ).body.items.map((i: Hit) => i.messageId);
          const paged = await pages(q, limit);
          expect(new Set(paged).size).toBe(paged.length); // no repeats
          expect(paged).toEqual(all); // no gaps, the same order
        },
      ),
      { numRuns: 25, seed: 20261130 },
    );
    // Some hundreds of requests, one after another.
  }, 120_000);

  it('pages through a body shared by many messages without losing any of them', async () => {
    const paged = await pages('"checkpoint saved before the export"', 4);
    expect(paged).toHaveLength(6 * 5);
  });

  it('pages past a window of 2,000 recent matches: newest first, every hit once, and texts arriving meanwhile wait for a new search', async () => {
    const many = await signup(h.anonymous, 'windows');
    const session = await many.client.post('/v1/sessions', { tool: 'claude-code' });
    const conversation = await many.client.post(
      `/v1/sessions/${session.body.id}/conversations`,
      {},
    );
    const ingest = async (batch: number, count: number) => {
      const messages = Array.from({ length: count }, (_, i) => ({
        role: 'user',
        // Distinct texts of varied rank: the word once, twice or three times.
        content: `${'wombat '.repeat(1 + (i % 3))}batch${batch} text ${i}`,
      }));
      const reply = await many.client.post(`/v1/conversations/${conversation.body.id}/messages`, {
        messages,
      });
      expect(reply.status).toBe(201);
    };
    // Each batch's texts are one transaction's: batch 4 is the newest.
    for (const [batch, count] of [
      [1, 1000],
      [2, 1000],
      [3, 1000],
      [4, 500],
    ] as const)
      await ingest(batch, count);
    const search = (cursor: string | null) =>
      many.client.get(`/v1/search/messages?q=wombat&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
    const first = await search(null);
    // The first page is ranked within the newest 2,000 matches (batches 4, 3 and half of 2).
    const batchOf = (hit: { snippet: string }) => Number(/batch(\d)/.exec(hit.snippet)?.[1]);
    expect(first.body.items.every((hit: { snippet: string }) => batchOf(hit) >= 2)).toBe(true);
    await ingest(5, 300); // arrives while the client pages
    const seen: string[] = first.body.items.map((i: Hit) => i.messageId);
    const batches = new Set<number>();
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const reply = await search(cursor);
      expect(reply.status).toBe(200);
      for (const hit of reply.body.items) {
        seen.push(hit.messageId);
        batches.add(batchOf(hit));
      }
      cursor = reply.body.nextCursor;
    }
    expect(seen).toHaveLength(3500);
    expect(new Set(seen).size).toBe(3500);
    expect(batches.has(5)).toBe(false);
    expect(batches.has(1)).toBe(true);
    // A new search starts with the newest texts.
    const again = await search(null);
    expect(again.body.items.some((hit: { snippet: string }) => batchOf(hit) === 5)).toBe(true);
  }, 120_000);

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from(
      JSON.stringify({ after: '0.5|zz|yesterday', id: crypto.randomUUID() }),
    ).toString('base64url');
    const reply = await owner.client.get(`/v1/search/messages?q=export&cursor=${forged}`);
    expect(reply.status).toBe(400);
    // A window of another kind than the texts that may match (c), or more fields.
    const first = await owner.client.get('/v1/search/messages?q=export&limit=1');
    const issued = JSON.parse(Buffer.from(first.body.nextCursor, 'base64url').toString());
    const fields: string[] = issued.after.split('|');
    expect(fields).toHaveLength(7); // … window's newest text (time, hash), oldest (time, hash)
    const window = fields[4] as string;
    for (const edited of [
      [...fields.slice(0, 4), `x${window}`, ...fields.slice(5)],
      [...fields.slice(0, 4), `cc${window}`, ...fields.slice(5)],
      [...fields.slice(0, 6), 'zz'],
      [...fields.slice(0, 5), 'yesterday', fields[6]],
      [...fields, 'c'],
      [...fields.slice(0, 6)],
    ]) {
      const after = edited.join('|');
      const forgedCursor = Buffer.from(JSON.stringify({ ...issued, after })).toString('base64url');
      const refused = await owner.client.get(`/v1/search/messages?q=export&cursor=${forgedCursor}`);
      expect(refused.status, after).toBe(400);
    }
  });
});
