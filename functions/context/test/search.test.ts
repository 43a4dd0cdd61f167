import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let sessionId: string;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'search');
  const session = (
    await owner.client.post('/v1/sessions', { tool: 'claude-code', title: 'Export work' })
  ).body;
  sessionId = session.id;
  const conversation = (await owner.client.post(`/v1/sessions/${session.id}/conversations`, {}))
    .body;
  await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
    messages: [
      {
        role: 'user',
        content: 'The nightly exports keep failing since Tuesday.',
        tags: ['topic:export'],
      },
      {
        role: 'assistant',
        content: 'I patched rolling_log_handler.py and the export-dedup script.',
      },
      { role: 'user', content: 'Die Fehlerbehebung für den Importer ist fertig.' },
      { role: 'assistant', content: '検索インデックスを再構築しました。' },
      { role: 'user', content: 'Render <script>alert(1)</script> safely' },
      { role: 'user', content: 'Why does the tokenizer drop <tags> & quotes?' },
    ],
  });
});
afterAll(() => h.close());

const search = async (q: string, extra = '') =>
  (await owner.client.get(`/v1/search/messages?q=${encodeURIComponent(q)}${extra}`)).body;

describe('message search', () => {
  it('finds stemmed English words, with a highlighted snippet', async () => {
    const result = await search('exporting fails');
    expect(result.items[0].snippet).toContain('<mark>exports</mark>');
    expect(result.items[0]).toMatchObject({
      role: 'user',
      sessionId,
      sessionTitle: 'Export work',
      tags: ['topic:export'],
    });
  });

  it('finds code identifiers and file paths as written', async () => {
    const byFile = await search('rolling_log_handler.py');
    expect(byFile.items).toHaveLength(1);
    expect(byFile.items[0].snippet).toContain('<mark>rolling_log_handler.py</mark>');
    expect((await search('export-dedup')).items[0]?.role).toBe('assistant');
  });

  it('finds non-English text', async () => {
    expect((await search('Fehlerbehebung')).items).toHaveLength(1);
    expect((await search('インデックス')).items).toHaveLength(1);
    // Part of a CJK run (one word to the parser), and a short query at a word's start.
    expect((await search('検索')).items).toHaveLength(1);
    expect((await search("'\\")).items).toEqual([]);
  });

  it('answers a query that can match nothing (a word and its negation) with no hits', async () => {
    // Its estimate says "common": the window read newest first finds nothing and the text
    // index is asked instead, so it ends however large the tenant.
    expect((await search('export -export')).items).toEqual([]);
    expect((await search('"exports nightly"')).items).toEqual([]);
  });

  it('filters by role and session, and pages with a cursor', async () => {
    expect(
      (await search('export', '&role=assistant')).items.map((i: { role: string }) => i.role),
    ).toEqual(['assistant']);
    const first = await search('export', '&limit=1');
    expect(first.items).toHaveLength(1);
    const second = await search('export', `&limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0].messageId).not.toBe(first.items[0].messageId);
  });

  it('escapes HTML in snippets', async () => {
    const result = await search('script');
    const snippet =
      result.items.find((i: { snippet: string }) => i.snippet.includes('alert'))?.snippet ?? '';
    expect(snippet).not.toContain('<script>');
    expect(snippet).toContain('&#60;');
  });

  it('keeps what looks like a tag in a snippet, escaped', async () => {
    const result = await search('tokenizer');
    expect(result.items[0].snippet).toContain(
      'the <mark>tokenizer</mark> drop &#60;tags&#62; &#38; quotes',
    );
  });

  it('never crosses tenants', async () => {
    const other = await signup(h.anonymous, 'search-other');
    const result = await other.client.get(
      `/v1/search/messages?q=${encodeURIComponent('rolling_log_handler.py')}`,
    );
    expect(result.body.items).toEqual([]);
  });

  it('the search function the runtime role calls answers for its own tenant only', async () => {
    const other = await signup(h.anonymous, 'search-fn');
    const app = new pg.Client({ connectionString: h.database.appUrl });
    await app.connect();
    const hits = async (tenantId: string | null) => {
      await app.query('begin');
      try {
        if (tenantId) await app.query(`select set_config('app.tenant_id', $1, true)`, [tenantId]);
        const { rows } = await app.query(
          `select count(*)::int as n from search_message_bodies(to_tsquery('simple', 'export'), '%export%', null)`,
        );
        return rows[0].n as number;
      } finally {
        await app.query('rollback');
      }
    };
    try {
      expect(await hits(owner.tenant.id)).toBe(2);
      expect(await hits(other.tenant.id)).toBe(0);
      expect(await hits(null)).toBe(0); // no tenant set: fails closed
    } finally {
      await app.end();
    }
  });
});
