// Reads benchmark (issue 23): three reads through the API, each beside its floor — the same
// answer from a bare hand-written server (bench/lib/bare-server.ts: node:http + pg + jose,
// the credential and rate-limit statement, then the handler's own statements in the tenant
// transaction) — at 64 keep-alive connections, in the same run, with the same client:
// 50 tasks of a 5,000-task list, GET /v1/me, and a session by id.
import { spawn } from 'node:child_process';
import type { Database, Trx } from '@devctx/shared';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { sessionColumns } from '../functions/context/src/sessions/representation.ts';
import { userColumns } from '../functions/identity/src/users/representation.ts';
import { listTasksQueryBuilder } from '../functions/projects/src/tasks/list-tasks.ts';
import { freePort } from '../scripts/lib/embedded-postgres.ts';
import type { Config, Statement } from './lib/bare-server.ts';
import { startEnvironment } from './lib/environment.ts';
import { runClients, type Summary, seconds, summarize } from './lib/load.ts';
import { RawHttpConnection } from './lib/raw-http.ts';

// 20 s phases: shorter ones swing widely on a shared two-core machine.
const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = 64;
const TASKS = 5000;
const POOL = Number(process.env.BENCH_POOL ?? 10);

export async function readsScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: String(POOL) });
  try {
    const api = async (method: string, path: string, body?: unknown, token?: string) => {
      const reply = await fetch(`${env.baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return (await reply.json()) as Record<string, unknown>;
    };
    const { token, tenantId } = await env.signup('bench-reads');
    await env.setTier('bench-reads', 'enterprise');
    // API and floor draw on the same hourly budget (the floor takes from it too): large
    // enough for every phase, so what is measured is reading, not 429s.
    const admin = new pg.Client({ connectionString: env.adminUrl });
    await admin.connect();
    await admin.query(`update tiers set requests_per_hour = 100000000 where tier = 'enterprise'`);
    await admin.end();
    const project = await api('POST', '/v1/projects', { slug: 'big', name: 'Big' }, token);
    const markdown = Array.from(
      { length: TASKS },
      (_, i) =>
        `${i % 50 === 0 ? `## ${i / 50 + 1} Section\n` : ''}- [${i % 3 ? ' ' : 'x'}] Task number ${i}`,
    ).join('\n');
    const list = await api(
      'POST',
      `/v1/projects/${project.id}/task-lists`,
      { name: 'Big list', markdown },
      token,
    );
    const session = await api(
      'POST',
      '/v1/sessions',
      { tool: 'claude-code', title: 'Bench session', externalId: 'bench-1' },
      token,
    );
    const paths = {
      'list 50 of 5,000 tasks': `/v1/task-lists/${list.id}/tasks?limit=50`,
      'GET /v1/me': '/v1/me',
      'session by id': `/v1/sessions/${session.id}`,
    };

    // The floor's statements, compiled from the same query builders and column lists.
    const compiler = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ max: 1 }) }),
    });
    const statement = (query: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
      const { sql, parameters } = query.compile();
      return { sql, params: [...parameters] } satisfies Statement;
    };
    const routes: Record<string, Statement[]> = {
      [paths['list 50 of 5,000 tasks']]: [
        {
          sql: 'select id, project_id, name, description, import_report, created_at, updated_at from task_lists where tenant_id = $1 and id = $2',
          params: ['$tenant', list.id],
        },
        statement(
          listTasksQueryBuilder(compiler as unknown as Trx, tenantId, list.id as string, {
            limit: 50,
            sort: 'position',
          }),
        ),
      ],
      [paths['GET /v1/me']]: [
        statement(
          compiler
            .selectFrom('users')
            .select([...userColumns, 'password_hash'])
            .where('tenant_id', '=', '$tenant')
            .where('id', '=', '$user'),
        ),
        statement(
          compiler
            .selectFrom('user_roles as ur')
            .innerJoin('roles as r', (j) =>
              j.onRef('r.tenant_id', '=', 'ur.tenant_id').onRef('r.id', '=', 'ur.role_id'),
            )
            .select(['r.id', 'r.name', 'r.system_key'])
            .where('ur.tenant_id', '=', '$tenant')
            .where('ur.user_id', '=', '$user')
            .orderBy('r.name'),
        ),
      ],
      [paths['session by id']]: [
        statement(
          compiler
            .selectFrom('ai_sessions')
            .select(sessionColumns)
            .where('tenant_id', '=', '$tenant')
            .where('id', '=', session.id as string),
        ),
      ],
    };
    await compiler.destroy();
    const claims = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString());
    const floor = await startFloor({
      databaseUrl: env.appDatabaseUrl,
      pool: POOL,
      jwks: (await api('GET', '/.well-known/jwks.json')) as unknown as Config['jwks'],
      issuer: claims.iss,
      audience: claims.aud,
      routes,
    });

    const rows: Summary[] = [];
    const checks = [];
    try {
      // BENCH_READS=me (say) measures only the reads whose label holds it.
      const only = process.env.BENCH_READS?.toLowerCase();
      for (const [label, path] of Object.entries(paths)) {
        if (only && !label.toLowerCase().includes(only)) continue;
        const viaApi = summarize(await load(`API: ${label}`, env.baseUrl, path, token));
        const viaFloor = summarize(await load(`floor: ${label}`, floor.baseUrl, path, token));
        const ratio = Math.round((viaApi.rps / (viaFloor.rps || 1)) * 100) / 100;
        rows.push(viaApi, viaFloor);
        checks.push(
          { check: `${label}: API ÷ floor req/s`, value: ratio, target: '≥ 1.0', pass: ratio >= 1 },
          {
            check: `${label}: API p99 ms`,
            value: viaApi.p99,
            target: '≤ 100',
            pass: viaApi.p99 <= 100,
          },
          {
            check: `${label}: API errors`,
            value: viaApi.errors + viaFloor.errors,
            target: '0',
            pass: viaApi.errors + viaFloor.errors === 0,
          },
        );
      }
    } finally {
      floor.stop();
    }
    const tasksApi = rows[0] as Summary;
    if (tasksApi.scenario.includes('tasks'))
      checks.push({
        check: 'list tasks: API req/s (stretch)',
        value: tasksApi.rps,
        target: '≥ 2000',
        pass: tasksApi.rps >= 2000,
      });
    return { name: 'reads', rows, checks };
  } finally {
    await env.stop();
  }
}

/** `CONNECTIONS` keep-alive clients reading `path` for DURATION seconds (after a warm-up). */
async function load(label: string, baseUrl: string, path: string, token: string) {
  const { hostname, port } = new URL(baseUrl);
  const connections = Array.from(
    { length: CONNECTIONS },
    () => new RawHttpConnection(hostname, Number(port)),
  );
  const headers = { authorization: `Bearer ${token}` };
  const read = async (client: number) =>
    new Response(null, {
      status: await (connections[client] as RawHttpConnection).get(path, headers),
    });
  try {
    await runClients('warm-up', CONNECTIONS, seconds(2), read);
    return await runClients(label, CONNECTIONS, seconds(DURATION), read);
  } finally {
    for (const connection of connections) connection.close();
  }
}

async function startFloor(config: Config) {
  const port = await freePort();
  const child = spawn(process.execPath, ['bench/lib/bare-server.ts'], {
    cwd: `${import.meta.dirname}/..`,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH ?? '', PORT: String(port), BARE_CONFIG: JSON.stringify(config) },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    const up = await fetch(`${baseUrl}/`).then(
      () => true,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { baseUrl, stop: () => child.kill('SIGTERM') };
}
