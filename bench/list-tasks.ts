// Projects benchmark: list 50 tasks of a 5,000-task list with a JWT, 64 concurrent
// connections — through the API, and as a bare Node + pg loop running the same SQL in the
// same transaction pattern over a pool of the same size. Target: API/bare ≥ 0.6.

import type { Database, Trx } from '@devctx/shared';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { listTasksQueryBuilder } from '../functions/projects/src/tasks/list-tasks.ts';
import { startEnvironment } from './lib/environment.ts';
import { runClients, type Summary, seconds, summarize } from './lib/load.ts';
import { RawHttpConnection } from './lib/raw-http.ts';

// 20 s phases: shorter ones swing widely on a shared two-core machine.
const DURATION = Number(process.env.BENCH_SECONDS ?? 20);
const CONNECTIONS = 64;
const TASKS = 5000;
const POOL = Number(process.env.BENCH_POOL ?? 10);

export async function listTasksScenario() {
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
    const session = await api('POST', '/v1/auth/signup', {
      tenant: { name: 'Bench', slug: 'bench-tasks' },
      user: { email: 'bench@tasks.example', password: 'benchmark passphrase 1', name: 'Bench' },
    });
    const token = session.accessToken as string;
    const tenantId = (session.tenant as { id: string }).id;
    const userId = (session.user as { id: string }).id;
    await env.setTier('bench-tasks', 'enterprise');
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
    const listId = list.id as string;

    const path = `/v1/task-lists/${listId}/tasks?limit=50`;
    const { hostname, port } = new URL(env.baseUrl);
    const connections = Array.from(
      { length: CONNECTIONS },
      () => new RawHttpConnection(hostname, Number(port)),
    );
    const headers = { authorization: `Bearer ${token}` };
    const read = async (client: number) =>
      new Response(null, {
        status: await (connections[client] as RawHttpConnection).get(path, headers),
      });
    await runClients('warm-up', CONNECTIONS, seconds(2), read);
    const viaApi = await runClients(
      'API: GET 50 of 5,000 tasks',
      CONNECTIONS,
      seconds(DURATION),
      read,
    );
    for (const connection of connections) connection.close();

    // The same statements, straight over pg: the credential check (one statement), then
    // the tenant transaction with the task list lookup and the page of tasks.
    const pool = new pg.Pool({ connectionString: env.appDatabaseUrl, max: POOL });
    pool.on('error', () => {});
    const compiler = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const page = listTasksQueryBuilder(compiler as unknown as Trx, tenantId, listId, {
      limit: 50,
      sort: 'position',
    }).compile();
    const sessionId = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())
      .sid as string;
    const bare = async () => {
      await pool.query(
        `select a.*, r.* from authenticate_request($1::uuid, $2::uuid, $3::uuid, null::bytea) a
           cross join lateral rate_limit_take('user:' || a.user_id::text, a.requests_per_hour, 3600) r`,
        [tenantId, sessionId, userId],
      );
      const client = await pool.connect();
      try {
        await client.query('begin');
        await client.query(
          `select set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)`,
          [tenantId, userId],
        );
        await client.query(
          'select id, project_id, name, description, import_report, created_at, updated_at from task_lists where tenant_id = $1 and id = $2',
          [tenantId, listId],
        );
        await client.query(page.sql, page.parameters as unknown[]);
        await client.query('commit');
      } finally {
        client.release();
      }
      return new Response(null, { status: 200 });
    };
    await runClients('warm-up', CONNECTIONS, seconds(2), bare);
    const viaPg = await runClients(
      'bare Node + pg, same SQL',
      CONNECTIONS,
      seconds(DURATION),
      bare,
    );
    await compiler.destroy();

    const rows = [viaApi, viaPg].map(summarize);
    const [viaApiRow, bareRow] = rows as [Summary, Summary];
    const ratio = Math.round((viaApiRow.rps / (bareRow.rps || 1)) * 100) / 100;
    return {
      name: 'list-tasks',
      rows,
      checks: [
        { check: 'requests/s API ÷ bare pg', value: ratio, target: '≥ 0.6', pass: ratio >= 0.6 },
        // Issue 10's absolute read target, at 64 connections.
        {
          check: 'API requests/s',
          value: viaApiRow.rps,
          target: '≥ 2000',
          pass: viaApiRow.rps >= 2000,
        },
        { check: 'API p99 ms', value: viaApiRow.p99, target: '< 50', pass: viaApiRow.p99 < 50 },
        { check: 'API errors', value: viaApiRow.errors, target: '0', pass: viaApiRow.errors === 0 },
      ],
    };
  } finally {
    await env.stop();
  }
}
