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

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from(
      JSON.stringify({ after: '0.5|zz|yesterday', id: crypto.randomUUID() }),
    ).toString('base64url');
    const reply = await owner.client.get(`/v1/search/messages?q=export&cursor=${forged}`);
    expect(reply.status).toBe(400);
  });
});
