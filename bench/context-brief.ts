// Context brief benchmark: GET /v1/context/brief, which runs each time an assistant starts,
// for a tenant with 10,000 sessions in one repository (BENCH_BRIEF_SESSIONS scales it),
// each with a few messages naming files and commands, a project of 2,000 open tasks and
// 5,000 commits. Reports p95 and the size of the brief's text against its 4 KB bound.
import { bulkLoad, projectWithList, startEnvironment } from './lib/environment.ts';
import { runClients, seconds, summarize } from './lib/load.ts';

const SESSIONS = Number(process.env.BENCH_BRIEF_SESSIONS ?? 10_000);
const CLIENTS = 4;
const PHASE_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

export async function contextBriefScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: '10' });
  try {
    const { token, tenantId, userId } = await env.signup('bench-brief');
    await env.setTier('bench-brief', 'enterprise');
    await loadTenant(env.adminUrl, tenantId, userId, SESSIONS);
    const url = `${env.baseUrl}/v1/context/brief?repository=${encodeURIComponent('git@github.com:bench/app.git')}&branch=main`;
    const headers = { authorization: `Bearer ${token}` };
    const sample = (await (await fetch(url, { headers })).json()) as { text: string };
    const result = await runClients('GET /v1/context/brief', CLIENTS, seconds(PHASE_SECONDS), () =>
      fetch(url, { headers }),
    );
    const row = summarize(result);
    return {
      name: 'context brief',
      rows: [row],
      checks: [
        { check: 'sessions in the repository', value: SESSIONS, target: 'reported', pass: true },
        { check: 'p95 (ms)', value: row.p95, target: 'reported', pass: row.errors === 0 },
        {
          check: 'brief text (bytes)',
          value: Buffer.byteLength(sample.text),
          target: '≤ 4096',
          pass: Buffer.byteLength(sample.text) <= 4096,
        },
      ],
    };
  } finally {
    await env.stop();
  }
}

async function loadTenant(adminUrl: string, tenantId: string, userId: string, sessions: number) {
  await bulkLoad(adminUrl, async (client) => {
    const { list, repo } = await projectWithList(client, tenantId);
    await client.query(
      `insert into tasks (tenant_id, task_list_id, title, position, assignee_id)
         select $1, $2, 'task ' || i, i * 1024, case when i % 10 = 0 then $3::uuid end from generate_series(1, 2000) i`,
      [tenantId, list, userId],
    );
    await client.query(
      `insert into commits (tenant_id, repository_id, sha, committed_at, subject, body, source)
         select $1, $2, encode(sha256(convert_to('c' || i, 'UTF8')), 'hex')::text, now() - make_interval(mins => i), 'commit ' || i, '', 'git-log'
           from generate_series(1, 5000) i`,
      [tenantId, repo],
    );
    await client.query(
      `insert into ai_sessions (tenant_id, tool, repository_id, user_id, git_branch, title, started_at)
         select $1, 'claude-code', $2, $3, case when i % 3 = 0 then 'main' else 'feature/' || i % 50 end,
                'session ' || i, now() - make_interval(hours => i)
           from generate_series(1, $4::int) i`,
      [tenantId, repo, userId, sessions],
    );
    await client.query(
      `insert into conversations (tenant_id, session_id) select tenant_id, id from ai_sessions where tenant_id = $1`,
      [tenantId],
    );
    await client.query(
      `insert into message_bodies (tenant_id, hash, content, byte_size)
         select $1, sha256(convert_to('body ' || i, 'UTF8')), 'body ' || i, octet_length('body ' || i) from generate_series(1, 1000) i`,
      [tenantId],
    );
    await client.query(
      `insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash, file_references, commands)
         select c.tenant_id, c.id, c.session_id, k, 'assistant', sha256(convert_to('body ' || (1 + k), 'UTF8')),
                jsonb_build_array(jsonb_build_object('path', 'src/file' || k || '.ts', 'operation', 'edit')),
                array['npm test ' || k]
           from conversations c cross join generate_series(0, 2) k where c.tenant_id = $1`,
      [tenantId],
    );
  });
}
