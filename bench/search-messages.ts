// Context benchmark: search latency (p50/p95) through the HTTP API with 1,000,000 messages
// spread over 10 tenants (BENCH_SEARCH_MESSAGES scales it). The corpus is written straight
// into PostgreSQL — the ingest scenario measures the API's write path — from a vocabulary
// of English prose, code identifiers, paths and German and Japanese words.
import pg from 'pg';
import { startEnvironment } from './lib/environment.ts';
import { runClients, seconds, summarize } from './lib/load.ts';

const TOTAL = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const TENANTS = 10;
const CLIENTS = 4;
const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10) / 2;

const VOCABULARY = [
  ...'the a to of and in is it for that on with this we as be are was not but can will run test tests fix bug error refactor build deploy commit branch merge review function class module import export return value type interface async await promise database query index table migration schema server client request response header token session user tenant cache retry timeout log logger config setting file folder path script command output input parse render component state hook event handler queue worker job schedule lock transaction rollback'.split(
    ' ',
  ),
  'rolling_log_handler.py',
  'export-dedup',
  'src/auth/session.ts',
  'useEffect',
  'parseCheckpointDate',
  'Überprüfung',
  'Änderungen',
  'Straße',
  'テスト',
  '検索',
];
const QUERIES: Record<string, string> = {
  'common word': 'refactor',
  'two words': 'retry timeout',
  phrase: '"run the tests"',
  'stemmed (migrations)': 'migrations',
  identifier: 'rolling_log_handler.py',
  path: 'src/auth/session.ts',
  German: 'Überprüfung',
  Japanese: '検索',
  'no match': 'zyzzyva',
};

export async function searchMessagesScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: '10' });
  try {
    const tokens: string[] = [];
    for (let t = 0; t < TENANTS; t++) {
      tokens.push((await env.signup(`bench-search-${t}`)).token);
    }
    const loadStarted = performance.now();
    await loadCorpus(env.adminUrl, TOTAL / TENANTS);
    const loadSeconds = (performance.now() - loadStarted) / 1000;

    const rows = [];
    for (const [label, q] of Object.entries(QUERIES)) {
      const result = await runClients(label, CLIENTS, seconds(PHASE_SECONDS), (client) =>
        fetch(`${env.baseUrl}/v1/search/messages?q=${encodeURIComponent(q)}&limit=20`, {
          headers: { authorization: `Bearer ${tokens[client % TENANTS]}` },
        }),
      );
      rows.push({ query: q, ...summarize(result) });
    }
    const worst = Math.max(...rows.map((r) => r.p95));
    return {
      name: 'search-messages',
      rows,
      checks: [
        {
          check: 'messages searched',
          value: TOTAL,
          target: '1000000 over 10 tenants',
          pass: TOTAL >= 1_000_000,
        },
        {
          check: 'corpus load (s, not a target)',
          value: Math.round(loadSeconds),
          target: '-',
          pass: true,
        },
        {
          check: 'worst p95 (ms)',
          value: worst,
          target: 'reported',
          pass: rows.every((r) => r.errors === 0),
        },
      ],
    };
  } finally {
    await env.stop();
  }
}

/** Per tenant: one session, 20 conversations, `perTenant` distinct message bodies. */
export async function loadCorpus(adminUrl: string, perTenant: number) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("update tenants set tier = 'enterprise'");
    await client.query(
      `create temporary table words as select array[${VOCABULARY.map((_, i) => `$${i + 1}`).join(', ')}]::text[] as w`,
      VOCABULARY,
    );
    const tenants = (await client.query<{ id: string }>('select id from tenants')).rows;
    for (const { id } of tenants) {
      await client.query('begin');
      const session = await client.query<{ id: string }>(
        `insert into ai_sessions (tenant_id, tool, title) values ($1, 'bench', 'Search corpus') returning id`,
        [id],
      );
      const sessionId = session.rows[0]?.id;
      await client.query(
        `insert into conversations (tenant_id, session_id) select $1, $2 from generate_series(1, 20)`,
        [id, sessionId],
      );
      // Bodies of 12–40 words drawn from the vocabulary; the number makes each one distinct.
      await client.query(
        `create temporary table corpus on commit drop as
           select g, format('%s (note %s)', (select string_agg(w[1 + floor(random() * array_length(w, 1))::int], ' ')
                                    from words, generate_series(1, 12 + (g * 7919) % 29) where g > 0), g) as content
             from generate_series(1, $1::int) g`,
        [perTenant],
      );
      await client.query(
        `insert into message_bodies (tenant_id, hash, content, byte_size)
         select $1, sha256(convert_to(content, 'UTF8')), content, octet_length(content) from corpus`,
        [id],
      );
      await client.query(
        `with c as (select id, row_number() over (order by id) - 1 as n from conversations where tenant_id = $1)
         insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash, occurred_at)
         select $1, c.id, $2, corpus.g / 20, case when corpus.g % 2 = 0 then 'user' else 'assistant' end,
                sha256(convert_to(corpus.content, 'UTF8')), now() - make_interval(secs => corpus.g)
           from corpus join c on c.n = corpus.g % 20`,
        [id, sessionId],
      );
      await client.query('commit');
    }
    // As autovacuum would have by now: flushes the GIN pending lists and gathers statistics.
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}
