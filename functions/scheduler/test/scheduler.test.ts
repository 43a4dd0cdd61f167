import { randomUUID } from 'node:crypto';
import { healthRoutes } from '@devctx/shared';
import {
  adminQuery,
  Client,
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@devctx/shared/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulerRoutes } from '../src/routes.ts';

const SECRET = 'the-scheduler-shared-secret-for-tests';
const tenantId = randomUUID();
let database: TestDatabase;
let server: TestServer;
let scheduler: Client;

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'sched', 'Sched');
     insert into tenant_usage (tenant_id) values ($1);`.replaceAll('$1', `'${tenantId}'`),
  );
  server = await startTestServer([...healthRoutes, ...schedulerRoutes], database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
    TASKS_POLL_MS: '3600000',
  });
  scheduler = new Client(server.baseUrl, SECRET);
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

describe('scheduled jobs', () => {
  it('refuse unauthenticated callers and unknown jobs', async () => {
    expect((await new Client(server.baseUrl).post('/jobs/purge-expired')).status).toBe(401);
    expect((await scheduler.post('/jobs/no-such-job')).status).toBe(404);
  });

  it('outbox sweep hands over committed jobs that were never dispatched', async () => {
    const [job] = await adminQuery(
      database.adminUrl,
      `insert into jobs (tenant_id, kind, payload) values ($1, 'imports.v1', '{}') returning id`,
      [tenantId],
    );
    const reply = await scheduler.post('/jobs/outbox-sweep');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ job: 'outbox-sweep', ran: true });
    expect(reply.body.result.dispatched).toBeGreaterThanOrEqual(1);
    const [row] = await adminQuery(
      database.adminUrl,
      'select state, dispatched_at from jobs where id = $1',
      [job?.id],
    );
    expect(row?.state).toBe('dispatched');
    expect(row?.dispatched_at).not.toBeNull();
    // Within its lease it is not handed over again.
    expect((await scheduler.post('/jobs/outbox-sweep')).body.result.dispatched).toBe(0);
  });

  it('purge removes what expired and keeps the rest', async () => {
    await adminQuery(
      database.adminUrl,
      `insert into idempotency_keys (tenant_id, scope, key, fingerprint, locked_until, expires_at) values
         ($1, 'user:x', 'old', '\\x00', now(), now() - interval '1 hour'),
         ($1, 'user:x', 'fresh', '\\x00', now(), now() + interval '1 hour');
       insert into rate_limit_counters (key, window_start, hits) values ('ip:old', now() - interval '3 days', 5);`.replaceAll(
        '$1',
        `'${tenantId}'`,
      ),
    );
    const reply = await scheduler.post('/jobs/purge-expired');
    expect(reply.body.result).toMatchObject({ idempotencyKeys: 1, rateLimitWindows: 1 });
    const keys = await adminQuery(
      database.adminUrl,
      'select key from idempotency_keys where tenant_id = $1',
      [tenantId],
    );
    expect(keys.map((k) => k.key)).toEqual(['fresh']);
  });

  it('reconcile repairs a usage counter that drifted from the rows it counts', async () => {
    await adminQuery(
      database.adminUrl,
      `insert into users (tenant_id, email, name) values ($1, 'a@s.example', 'A'), ($1, 'b@s.example', 'B');
       update tenant_usage set users = 7 where tenant_id = $1;`.replaceAll('$1', `'${tenantId}'`),
    );
    const reply = await scheduler.post('/jobs/reconcile-usage');
    expect(reply.body.result.repairedTenants).toEqual([tenantId]);
    const [usage] = await adminQuery(
      database.adminUrl,
      'select users from tenant_usage where tenant_id = $1',
      [tenantId],
    );
    expect(usage?.users).toBe(2);
    expect((await scheduler.post('/jobs/reconcile-usage')).body.result.repairedTenants).toEqual([]);
  });

  it('two overlapping runs of one job do the work once', async () => {
    // Another run holds the job's lock (as a slow run on another instance would).
    const other = new pg.Client({ connectionString: database.appUrl });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext('devctx:scheduled:purge-expired'))`);
      const reply = await scheduler.post('/jobs/purge-expired');
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        ran: false,
        reason: expect.stringContaining('in progress'),
      });
    } finally {
      await other.end();
    }
    const [first, second] = await Promise.all([
      scheduler.post('/jobs/purge-expired'),
      scheduler.post('/jobs/purge-expired'),
    ]);
    expect([first.body.ran, second.body.ran].filter(Boolean).length).toBeGreaterThanOrEqual(1);
  });
});
