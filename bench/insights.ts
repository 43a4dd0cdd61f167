// Insights benchmark: the dashboard's v1 views (overview, tags, files, commands) through
// the HTTP API for one tenant with 1,000,000 messages (BENCH_INSIGHTS_MESSAGES scales it),
// each carrying 2 tags and 2 file references, and a command on every third. These views
// read the per-session counts that a trigger keeps as messages are inserted (session_terms);
// the figures say how far that goes. The corpus is written straight into PostgreSQL.
import { bulkLoad, startEnvironment } from './lib/environment.ts';
import { runClients, seconds, summarize } from './lib/load.ts';

const MESSAGES = Number(process.env.BENCH_INSIGHTS_MESSAGES ?? 1_000_000);
const CLIENTS = 2;
const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export async function insightsScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: '10' });
  try {
    const { token, tenantId } = await env.signup('bench-insights');
    await env.setTier('bench-insights', 'enterprise');
    await loadMessages(env.adminUrl, tenantId, MESSAGES);

    const rows = [];
    for (const view of ['overview', 'tags', 'files', 'commands']) {
      const result = await runClients(
        `GET /v1/insights/${view}`,
        CLIENTS,
        seconds(PHASE_SECONDS),
        () =>
          fetch(`${env.baseUrl}/v1/insights/${view}`, {
            headers: { authorization: `Bearer ${token}` },
          }),
      );
      rows.push(summarize(result));
    }
    return {
      name: 'insights',
      rows,
      checks: [
        { check: 'messages in the tenant', value: MESSAGES, target: 'reported', pass: true },
        {
          check: 'worst p95 (ms)',
          value: Math.max(...rows.map((r) => r.p95)),
          target: 'reported',
          pass: rows.every((r) => r.errors === 0),
        },
      ],
    };
  } finally {
    await env.stop();
  }
}

/** 1,000 sessions with a conversation each; 50,000 distinct bodies shared by the messages. */
async function loadMessages(adminUrl: string, tenantId: string, count: number) {
  await bulkLoad(adminUrl, async (client) => {
    await client.query(
      `insert into ai_sessions (tenant_id, tool) select $1, 'bench' from generate_series(1, 1000)`,
      [tenantId],
    );
    await client.query(
      'insert into conversations (tenant_id, session_id) select tenant_id, id from ai_sessions where tenant_id = $1',
      [tenantId],
    );
    await client.query(
      `insert into message_bodies (tenant_id, hash, content, byte_size)
         select $1, sha256(convert_to('body ' || i, 'UTF8')), 'body ' || i, octet_length('body ' || i) from generate_series(1, 50000) i`,
      [tenantId],
    );
    await client.query(
      `with c as (select id, session_id, row_number() over (order by id) - 1 as n
                      from conversations where tenant_id = $1)
         insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash,
                               occurred_at, tags, file_references, commands)
         select $1, c.id, c.session_id, i / 1000, 'assistant',
                sha256(convert_to('body ' || (1 + i % 50000), 'UTF8')), now() - make_interval(secs => i),
                array['topic:t' || i % 30, 'artifact:a' || i % 7],
                jsonb_build_array(jsonb_build_object('path', 'src/file' || i % 2000 || '.ts', 'operation', 'read'),
                                  jsonb_build_object('path', 'docs/page' || i % 300 || '.md', 'operation', 'edit')),
                case when i % 3 = 0 then array['npm test --filter ' || i % 500] else '{}' end
           from generate_series(0, $2::int - 1) i join c on c.n = i % 1000`,
      [tenantId, count],
    );
  });
}
