import { randomUUID } from 'node:crypto';
import { enqueueJob, healthRoutes, withTenant } from '@devctx/shared';
import {
  adminQuery,
  Client,
  createTestDatabase,
  flakyJob,
  noteJob,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testJobs,
} from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerRoutes } from '../src/routes.ts';

const SECRET = 'a-local-shared-secret-of-enough-length';
const tenantId = randomUUID();
let database: TestDatabase;
let server: TestServer;
let cloudTasks: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'worker', 'Worker')`,
    [tenantId],
  );
  // The worker's own dispatcher must not drain the outbox behind the test's back.
  server = await startTestServer([...healthRoutes, ...workerRoutes(testJobs)], database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
    TASKS_POLL_MS: '3600000',
  });
  cloudTasks = new Client(server.baseUrl, SECRET);
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

const noDispatch = { dispatch: async () => {} };
const enqueue = <P>(job: Parameters<typeof enqueueJob<P>>[3], payload: P) =>
  withTenant({ db: server.service.database.db, tenantId }, (trx) =>
    enqueueJob(trx, noDispatch, tenantId, job, payload),
  );

describe('the worker (Cloud Tasks target)', () => {
  it('refuses callers without the credential', async () => {
    const ref = await enqueue(noteJob, { text: 'x' });
    const body = { tenantId, jobId: ref.id };
    expect((await new Client(server.baseUrl).post('/tasks/test.note', body)).status).toBe(401);
    expect(
      (await new Client(server.baseUrl, 'x'.repeat(SECRET.length)).post('/tasks/test.note', body))
        .status,
    ).toBe(401);
    const [row] = await adminQuery(database.adminUrl, 'select attempts from jobs where id = $1', [
      ref.id,
    ]);
    expect(row?.attempts).toBe(0);
    // The caller is checked before the body is read: a stranger's malformed body gets 401,
    // not a parser's 400 (nothing of the body is looked at).
    const stranger = await fetch(`${server.baseUrl}/tasks/test.note`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"tenantId": ',
    });
    expect(stranger.status).toBe(401);
  });

  it('runs a job: 200 when done, 200 duplicate on redelivery, one effect', async () => {
    const ref = await enqueue(noteJob, { text: 'from cloud tasks' });
    const first = await cloudTasks.post('/tasks/test.note', { tenantId, jobId: ref.id });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ outcome: 'succeeded', attempt: 1 });
    const again = await cloudTasks.post('/tasks/test.note', { tenantId, jobId: ref.id });
    expect(again.body).toEqual({ outcome: 'duplicate' });
    const [count] = await adminQuery(
      database.adminUrl,
      `select count(*)::int as n from audit_log where target_id = $1`,
      [ref.id],
    );
    expect(count?.n).toBe(1);
  });

  it('asks for redelivery with 503 and Retry-After when the job fails', async () => {
    const ref = await enqueue(flakyJob, { failures: 1 });
    const failed = await cloudTasks.post('/tasks/test.flaky', { tenantId, jobId: ref.id });
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ outcome: 'retry', attempt: 1 });
    expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0);
    const retried = await cloudTasks.post('/tasks/test.flaky', { tenantId, jobId: ref.id });
    expect(retried.body).toEqual({ outcome: 'succeeded', attempt: 2 });
  });

  it('a permanently bad payload answers 200 (no retry) and leaves the job dead', async () => {
    const [row] = await adminQuery(
      database.adminUrl,
      `insert into jobs (tenant_id, kind, payload) values ($1, 'test.note', '{"nope": true}') returning id`,
      [tenantId],
    );
    const reply = await cloudTasks.post('/tasks/test.note', { tenantId, jobId: row?.id });
    expect(reply.status).toBe(200);
    expect(reply.body.outcome).toBe('dead');
  });

  it('a malformed delivery is a 400, an unknown job a duplicate', async () => {
    expect((await cloudTasks.post('/tasks/test.note', { tenantId: 'x' })).status).toBe(400);
    const reply = await cloudTasks.post('/tasks/test.note', { tenantId, jobId: randomUUID() });
    expect(reply.body).toEqual({ outcome: 'duplicate' });
  });
});
