import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AnyRoute,
  defineRoute,
  healthRoutes,
  type Problem,
  withTenant,
} from '../src/index.ts';
import {
  adminQuery,
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from './support/index.ts';

// A small route table exercising the pipeline the way every family will use it.
const tenantId = randomUUID();
const testRoutes: AnyRoute[] = [
  ...healthRoutes,
  defineRoute({
    method: 'POST',
    path: '/v1/echo/{id}',
    summary: 'Echo',
    permission: null,
    params: z.object({ id: z.uuid() }),
    query: z.object({ verbose: z.enum(['true', 'false']).optional() }),
    body: z.object({ name: z.string().min(1), tags: z.array(z.string()).max(3).default([]) }),
    responses: { 201: { description: 'Echoed' } },
    handler: async (_ctx, input) => ({ status: 201, body: { id: input.params.id, ...input.body } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/boom',
    summary: 'Fails unexpectedly',
    permission: null,
    responses: {},
    handler: async () => {
      throw new Error('secret internals: SELECT password FROM users');
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/slow',
    summary: 'Holds a tenant transaction for a while',
    permission: null,
    query: z.object({ ms: z.coerce.number().int().max(5000) }),
    responses: { 200: { description: 'Done' } },
    handler: async (ctx, { query }) => {
      await withTenant({ db: ctx.db, tenantId }, (trx) =>
        sql`select pg_sleep(${query.ms / 1000})`.execute(trx),
      );
      return { body: { slept: query.ms } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/private',
    summary: 'Needs a permission',
    permission: 'projects:read',
    responses: {},
    handler: async () => ({ body: { secret: true } }),
  }),
];

let database: TestDatabase;
let server: TestServer;
beforeAll(async () => {
  database = await createTestDatabase();
  server = await startTestServer(testRoutes, database.appUrl, { BODY_LIMIT_BYTES: '2048' });
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

const url = (path: string) => `${server.baseUrl}${path}`;
const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = (await response.json()) as Problem;
  expect(problem).toMatchObject({ status, code, requestId: response.headers.get('x-request-id') });
  expect(problem.type).toMatch(/^https:\/\//);
  expect(problem.title).toEqual(expect.any(String));
  expect(problem.detail).toEqual(expect.any(String));
  return problem;
}

describe('HTTP pipeline', () => {
  it('serves a valid request and echoes the request id', async () => {
    const id = randomUUID();
    const response = await postJson(`/v1/echo/${id}`, JSON.stringify({ name: 'Ann' }), {
      'x-request-id': 'client-chosen-id-1',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-request-id')).toBe('client-chosen-id-1');
    expect(await response.json()).toEqual({ id, name: 'Ann', tags: [] });
  });

  it('gives a fresh request id when the client sends none or a hostile one', async () => {
    const response = await fetch(url('/health'), { headers: { 'x-request-id': '<script>' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[\da-f-]{36}$/);
  });

  it('health answers 200 and ready checks the database', async () => {
    expect(await (await fetch(url('/health'))).json()).toEqual({ status: 'ok' });
    const ready = await fetch(url('/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('an unknown route is a 404 problem', async () => {
    const problem = await expectProblem(
      await fetch(url('/v1/nothing-here')),
      404,
      'route_not_found',
    );
    expect(problem.detail).toContain('/v1/nothing-here');
  });

  it('a known path with the wrong method is a 405 with Allow', async () => {
    const response = await fetch(url('/health'), { method: 'DELETE' });
    await expectProblem(response, 405, 'method_not_allowed');
    expect(response.headers.get('allow')).toBe('GET');
  });

  it('malformed JSON is a 400 problem, not a crash', async () => {
    await expectProblem(
      await postJson(`/v1/echo/${randomUUID()}`, '{"name": "Ann",'),
      400,
      'malformed_json',
    );
  });

  it('an unpaired surrogate in any string or key becomes U+FFFD, and the request is served', async () => {
    const response = await postJson(
      `/v1/echo/${randomUUID()}`,
      '{"name": "Ann \\ud800", "tags": ["\\udfff x"], "\\ud800": 1}',
    );
    expect(response.status).toBe(201);
    const body = (await response.json()) as { name: string; tags: string[] };
    expect(body.name).toBe('Ann \ufffd');
    expect(body.tags).toEqual(['\ufffd x']);
  });

  it('a body nested deeper than 64 levels is a 400 naming the limit, however deep', async () => {
    for (const depth of [65, 500]) {
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const problem = await expectProblem(
        await postJson(`/v1/echo/${randomUUID()}`, `{"name": "Ann", "tags": ${deep}}`),
        400,
        'validation_failed',
      );
      expect(problem.detail).toContain('deeper than 64 levels');
    }
    const shallow = `${'['.repeat(3)}${']'.repeat(3)}`;
    expect(
      (await postJson(`/v1/echo/${randomUUID()}`, `{"name": "A", "x": ${shallow}}`)).status,
    ).toBe(201);
  });

  it('a URL or headers too large for Node to parse are a 431 problem, not a bare status line', async () => {
    const response = await fetch(url(`/v1/echo/${'x'.repeat(20_000)}`));
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(((await response.json()) as Problem).code).toBe('headers_too_large');
  });

  it('a body over the limit is a 413, whether declared or streamed', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(5000) });
    await expectProblem(await postJson(`/v1/echo/${randomUUID()}`, big), 413, 'payload_too_large');
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(url(`/v1/echo/${randomUUID()}`), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).code).toBe('payload_too_large');
  });

  it('a body that is not JSON is a 415', async () => {
    const response = await fetch(url(`/v1/echo/${randomUUID()}`), {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'name=Ann',
    });
    await expectProblem(response, 415, 'unsupported_media_type');
  });

  it('validation errors name each offending field', async () => {
    const response = await postJson(
      '/v1/echo/not-a-uuid?verbose=maybe',
      JSON.stringify({ name: '', tags: [1] }),
    );
    const problem = await expectProblem(response, 400, 'validation_failed');
    const paths = (problem.errors ?? []).map((e) => e.path);
    expect(paths).toEqual(['params.id']);
    const second = await postJson(
      `/v1/echo/${randomUUID()}?verbose=maybe`,
      JSON.stringify({ name: '', tags: [1] }),
    );
    const secondProblem = await expectProblem(second, 400, 'validation_failed');
    expect((secondProblem.errors ?? []).map((e) => e.path)).toEqual(['query.verbose']);
    const third = await postJson(
      `/v1/echo/${randomUUID()}`,
      JSON.stringify({ name: '', tags: [1] }),
    );
    const thirdProblem = await expectProblem(third, 400, 'validation_failed');
    expect((thirdProblem.errors ?? []).map((e) => e.path).sort()).toEqual([
      'body.name',
      'body.tags.0',
    ]);
  });

  it('an unexpected error is a generic 500 that leaks nothing', async () => {
    const response = await fetch(url('/v1/boom'));
    const problem = await expectProblem(response, 500, 'internal_error');
    const text = JSON.stringify(problem);
    expect(text).not.toContain('secret internals');
    expect(text).not.toContain('SELECT');
    expect(text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('a route that needs a permission refuses an anonymous caller with 401', async () => {
    await expectProblem(await fetch(url('/v1/private')), 401, 'unauthenticated');
  });

  it('a database connection killed mid-request is a 503, and the server goes on serving', async () => {
    await adminQuery(
      database.adminUrl,
      `insert into tenants (id, slug, name) values ('${tenantId}', 'slow', 'Slow')`,
    );
    const slow = fetch(url('/v1/slow?ms=3000'));
    await waitFor(async () => (await appBackends('active')).length > 0);
    await adminQuery(
      database.adminUrl,
      `select pg_terminate_backend(pid) from pg_stat_activity where usename = 'devctx_app' and datname = current_database()`,
    );
    const response = await slow;
    const problem = await expectProblem(response, 503, 'service_unavailable');
    expect(problem.detail).not.toContain('terminat');
    expect(response.headers.get('retry-after')).toBe('2');
    // Idle pooled connections were killed too; the pool replaces them by itself.
    const ready = await fetch(url('/ready'));
    expect(ready.status).toBe(200);
    const again = await fetch(url('/v1/slow?ms=10'));
    expect(await again.json()).toEqual({ slept: 10 });
  });

  async function appBackends(state: string) {
    return adminQuery(
      database.adminUrl,
      `select pid from pg_stat_activity where usename = 'devctx_app' and datname = current_database() and state = $1`,
      [state],
    );
  }
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('condition not met in time');
}
