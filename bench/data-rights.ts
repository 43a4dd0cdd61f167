// Data rights at real size: a pro tenant of 100,000 messages (BENCH_DATA_MESSAGES), 1,000
// sessions, 2,000 tasks and 5,000 commits, with one person named in 1% of the messages.
// Times the export (to the archive's last byte), the download, the import into a new
// tenant (checked against the archive), the erasure of that person, and the purge of the
// tenant after its 30 days. Figures, not assertions.
import { rm } from 'node:fs/promises';
import pg from 'pg';
import {
  type BenchEnvironment,
  bulkLoad,
  projectWithList,
  startEnvironment,
  temporaryDirectory,
} from './lib/environment.ts';

const MESSAGES = Number(process.env.BENCH_DATA_MESSAGES ?? 100_000);
const SESSIONS = 1000;
const PASSWORD = 'benchmark passphrase 1';

export async function dataRightsScenario() {
  const storage = await temporaryDirectory('storage');
  const env = await startEnvironment({ STORAGE_LOCAL_DIR: storage, TASKS_POLL_MS: '50' });
  try {
    const owner = await env.signup('bench-data');
    await env.setTier('bench-data', 'enterprise');
    const personId = await loadTenant(env.adminUrl, owner.tenantId, owner.userId);
    const call = (token: string, method: string, url: string, body?: unknown) =>
      fetch(`${env.baseUrl}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const rows: Record<string, unknown>[] = [];
    const timed = async <T>(what: string, work: () => Promise<T>, rowsDone?: (r: T) => number) => {
      const started = performance.now();
      const result = await work();
      const s = (performance.now() - started) / 1000;
      const n = rowsDone?.(result);
      rows.push({
        what,
        seconds: +s.toFixed(2),
        ...(n ? { rows: n, 'rows/s': Math.round(n / s) } : {}),
      });
      return result;
    };

    const exported = await timed(
      'export (to the archive written)',
      async () => {
        const started = (await (await call(owner.token, 'POST', '/v1/tenant/exports')).json()) as {
          id: string;
        };
        return poll(() => call(owner.token, 'GET', `/v1/tenant/exports/${started.id}`));
      },
      (e) => Object.values(e.counts as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    const archive = await timed('download', async () =>
      Buffer.from(
        await (
          await call(owner.token, 'GET', `/v1/tenant/exports/${exported.id}/archive`)
        ).arrayBuffer(),
      ),
    );
    rows.push({
      what: 'archive size (MB, gzip)',
      seconds: '',
      rows: +(archive.length / 2 ** 20).toFixed(1),
    });

    const copy = await signupAs(env, 'bench-data-copy', 'owner@bench-data.example');
    await env.setTier('bench-data-copy', 'enterprise');
    const imported = await timed(
      'import into a new tenant (checked)',
      async () => {
        const started = await fetch(`${env.baseUrl}/v1/tenant/imports`, {
          method: 'POST',
          headers: { authorization: `Bearer ${copy}`, 'content-type': 'application/gzip' },
          body: archive,
        });
        const { id } = (await started.json()) as { id: string };
        // The import replaces the signed-in owner: once it is done, their token is refused.
        for (;;) {
          const reply = await call(copy, 'GET', `/v1/tenant/imports/${id}`);
          if (reply.status === 401) return { status: 'succeeded' };
          const body = (await reply.json()) as { status: string; error?: string };
          if (body.status !== 'queued') return body;
          await new Promise((r) => setTimeout(r, 100));
        }
      },
      () => Object.values(exported.counts as Record<string, number>).reduce((a, b) => a + b, 0),
    );

    const erased = await timed(
      'erase a person named in 1% of messages',
      async () =>
        (await (await call(owner.token, 'POST', `/v1/users/${personId}/erase`, {})).json()) as {
          replaced?: Record<string, number>;
        },
    );

    await call(owner.token, 'DELETE', '/v1/tenant?confirm=bench-data');
    const admin = new pg.Client({ connectionString: env.adminUrl });
    await admin.connect();
    await admin.query(
      `update tenants set deletion_due_at = now() - interval '1 second' where id = $1`,
      [owner.tenantId],
    );
    await admin.end();
    const purged = await timed(
      'purge the tenant after its 30 days',
      async () => {
        const app = new pg.Client({ connectionString: env.appDatabaseUrl });
        await app.connect();
        try {
          await app.query(`set statement_timeout = '600s'`);
          return (await app.query('select purge_tenant($1) as deleted', [owner.tenantId])).rows[0]
            ?.deleted;
        } finally {
          await app.end();
        }
      },
      (d: Record<string, number>) => Object.values(d ?? {}).reduce((a, b) => a + b, 0),
    );

    return {
      name: 'data rights',
      rows,
      checks: [
        { check: 'messages in the tenant', value: MESSAGES, target: 'reported', pass: true },
        {
          check: 'export',
          value: exported.status,
          target: 'succeeded',
          pass: exported.status === 'succeeded',
        },
        {
          check: 'import',
          value: imported.status,
          target: 'succeeded',
          pass: imported.status === 'succeeded',
        },
        {
          check: 'erasure rewrote (rows)',
          value: JSON.stringify(erased.replaced),
          target: 'reported',
          pass: Boolean(erased.replaced),
        },
        {
          check: 'purged (rows)',
          value: Object.values(purged ?? {}).reduce((a: number, b) => a + Number(b), 0),
          target: 'reported',
          pass: purged !== null,
        },
      ],
    };
  } finally {
    await env.stop();
    await rm(storage, { recursive: true, force: true });
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read field by field.
async function poll(read: () => Promise<Response>): Promise<any> {
  for (;;) {
    const body = (await (await read()).json()) as { status: string };
    if (body.status !== 'queued') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signupAs(env: BenchEnvironment, slug: string, email: string) {
  const reply = await fetch(`${env.baseUrl}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tenant: { name: slug, slug },
      user: { email, password: PASSWORD, name: 'B' },
    }),
  });
  return ((await reply.json()) as { accessToken: string }).accessToken;
}

/** The corpus, straight into PostgreSQL; returns the id of the person to erase. */
async function loadTenant(adminUrl: string, tenantId: string, ownerId: string) {
  let personId = '';
  await bulkLoad(adminUrl, async (client) => {
    personId = (
      await client.query<{ id: string }>(
        `insert into users (tenant_id, email, name, password_hash, status, email_verified_at)
           values ($1, 'ada.lovelace@bench.example', 'Ada Lovelace', null, 'active', now()) returning id`,
        [tenantId],
      )
    ).rows[0]?.id as string;
    const { list, repo } = await projectWithList(client, tenantId);
    await client.query(
      `insert into tasks (tenant_id, task_list_id, title, description, position)
         select $1, $2, 'Task ' || i, 'Make the parser handle case ' || i, i * 1024 from generate_series(1, 2000) i`,
      [tenantId, list],
    );
    await client.query(
      `insert into commits (tenant_id, repository_id, sha, committed_at, subject, body, source, author_name, author_email)
         select $1, $2, encode(sha256(convert_to('c' || i, 'UTF8')), 'hex'), now() - make_interval(mins => i),
                'Commit ' || i, 'Changes the parser for case ' || i, 'git-log',
                case when i % 10 = 0 then 'Ada Lovelace' else 'Grace Hopper' end,
                case when i % 10 = 0 then 'ada.lovelace@bench.example' else 'grace@bench.example' end
           from generate_series(1, 5000) i`,
      [tenantId, repo],
    );
    await client.query(
      `insert into ai_sessions (tenant_id, tool, repository_id, user_id, title, started_at)
         select $1, 'claude-code', $2, $3, 'Session ' || i, now() - make_interval(hours => i)
           from generate_series(1, ${SESSIONS}) i`,
      [tenantId, repo, ownerId],
    );
    await client.query(
      `insert into conversations (tenant_id, session_id) select tenant_id, id from ai_sessions where tenant_id = $1`,
      [tenantId],
    );
    // About 500 bytes of prose each; one in a hundred names the person.
    await client.query(
      `insert into message_bodies (tenant_id, hash, content, byte_size)
         select $1, sha256(convert_to(t, 'UTF8')), t, octet_length(t)
           from (select case when i % 100 = 0 then 'Ask Ada Lovelace (ada.lovelace@bench.example) about ' else 'Look at ' end
                        || 'step ' || i || ' of the parser: ' || repeat('the tokens are read, split and kept in order. ', 10) as t
                   from generate_series(1, ${MESSAGES}) i) b`,
      [tenantId],
    );
    await client.query(
      `insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash)
         select b.tenant_id, c.id, c.session_id, b.n, 'assistant', b.hash
           from (select tenant_id, hash, row_number() over (order by hash) as n from message_bodies where tenant_id = $1) b
           join (select id, session_id, row_number() over (order by id) - 1 as k from conversations where tenant_id = $1) c
             on c.k = b.n % ${SESSIONS}`,
      [tenantId],
    );
    await client.query(
      `update tenant_usage set messages = (select count(*) from message_bodies where tenant_id = $1) where tenant_id = $1`,
      [tenantId],
    );
  });
  return personId;
}
