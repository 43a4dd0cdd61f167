import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { healthRoutes, LocalObjectStorage } from '@devctx/shared';
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
let storageDir: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'sched', 'Sched');
     insert into tenant_usage (tenant_id) values ($1);`.replaceAll('$1', `'${tenantId}'`),
  );
  storageDir = await mkdtemp(path.join(tmpdir(), 'devctx-scheduler-storage-'));
  server = await startTestServer([...healthRoutes, ...schedulerRoutes], database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
    TASKS_POLL_MS: '3600000',
    STORAGE_LOCAL_DIR: storageDir,
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
       insert into rate_limit_counters (key, window_start, hits) values ('ip:old', now() - interval '3 days', 5);
       insert into rate_limit_buckets (key, tokens, refilled_at) values
         ('ip:idle', 1, now() - interval '2 days'), ('ip:busy', 1, now());`.replaceAll(
        '$1',
        `'${tenantId}'`,
      ),
    );
    const reply = await scheduler.post('/jobs/purge-expired');
    expect(reply.body.result).toMatchObject({ idempotencyKeys: 1, rateLimitWindows: 2 });
    const buckets = await adminQuery(database.adminUrl, 'select key from rate_limit_buckets');
    expect(buckets.map((b) => b.key)).toEqual(['ip:busy']);
    const keys = await adminQuery(
      database.adminUrl,
      'select key from idempotency_keys where tenant_id = $1',
      [tenantId],
    );
    expect(keys.map((k) => k.key)).toEqual(['fresh']);
  });

  it('purges the uploads of imports that failed more than a week ago, and stops counting them', async () => {
    const storage = new LocalObjectStorage(storageDir);
    const rows = await adminQuery(
      database.adminUrl,
      `insert into imports (tenant_id, kind, status, storage_key, upload_bytes, finished_at) values
         ($1, 'claude-code', 'failed', 'imports/old.json', 100, now() - interval '8 days'),
         ($1, 'claude-code', 'failed', 'imports/recent.json', 50, now() - interval '1 day')
       returning storage_key`,
      [tenantId],
    );
    for (const row of rows) await storage.put(tenantId, row.storage_key, Buffer.alloc(10));
    const usage = async () =>
      Number(
        (
          await adminQuery(
            database.adminUrl,
            'select storage_bytes from tenant_usage where tenant_id = $1',
            [tenantId],
          )
        )[0]?.storage_bytes,
      );
    const before = await usage();
    const reply = await scheduler.post('/jobs/purge-import-uploads');
    expect(reply.body.result).toEqual({ deleted: 1 });
    expect(await storage.get(tenantId, 'imports/old.json')).toBeUndefined();
    expect(await storage.get(tenantId, 'imports/recent.json')).toBeDefined();
    expect(await usage()).toBe(before - 100);
    expect((await scheduler.post('/jobs/purge-import-uploads')).body.result).toEqual({
      deleted: 0,
    });
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

  it('release-unused-bodies frees texts no message uses (deletes that raced leave some), and only those', async () => {
    const messagesUsed = async () =>
      Number(
        (
          await adminQuery(
            database.adminUrl,
            'select messages from tenant_usage where tenant_id = $1',
            [tenantId],
          )
        )[0]?.messages,
      );
    await adminQuery(
      database.adminUrl,
      `insert into message_bodies (tenant_id, hash, content, byte_size)
         select $1, sha256(convert_to(t, 'UTF8')), t, length(t) from unnest(array['orphan 1', 'orphan 2', 'kept']) t;
       with s as (insert into ai_sessions (tenant_id, tool) values ($1, 'test') returning id),
            c as (insert into conversations (tenant_id, session_id) select $1, id from s returning id, session_id)
       insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash)
         select $1, c.id, c.session_id, 0, 'user', sha256(convert_to('kept', 'UTF8')) from c;`.replaceAll(
        '$1',
        `'${tenantId}'`,
      ),
    );
    const before = await messagesUsed();
    const reply = await scheduler.post('/jobs/release-unused-bodies');
    expect(reply.body.result).toEqual({ released: 2 });
    expect(await messagesUsed()).toBe(before - 2);
    const left = await adminQuery(
      database.adminUrl,
      'select content from message_bodies where tenant_id = $1 order by content',
      [tenantId],
    );
    expect(left.map((r) => r.content)).toContain('kept');
    expect(left.map((r) => r.content)).not.toContain('orphan 1');
    expect((await scheduler.post('/jobs/release-unused-bodies')).body.result).toEqual({
      released: 0,
    });
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

  it('close-idle-sessions ends sessions idle for 4 hours, at their last message', async () => {
    const [idle, quiet, busy] = await adminQuery(
      database.adminUrl,
      `insert into ai_sessions (tenant_id, tool, started_at) values
         ($1, 'x', now() - interval '10 hours'), ($1, 'x', now() - interval '5 hours'), ($1, 'x', now() - interval '10 hours')
       returning id`,
      [tenantId],
    );
    const [conversation] = await adminQuery(
      database.adminUrl,
      `insert into conversations (tenant_id, session_id) values ($1, $2) returning id`,
      [tenantId, idle?.id],
    );
    const [busyConversation] = await adminQuery(
      database.adminUrl,
      `insert into conversations (tenant_id, session_id) values ($1, $2) returning id`,
      [tenantId, busy?.id],
    );
    await adminQuery(
      database.adminUrl,
      `insert into message_bodies (tenant_id, hash, content, byte_size) values ($1, sha256('a'), 'a', 1);
       insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash, occurred_at) values
         ($1, $2, $3, 0, 'user', sha256('a'), now() - interval '6 hours'),
         ($1, $4, $5, 0, 'user', sha256('a'), now() - interval '1 hour')`
        .replaceAll('$1', `'${tenantId}'`)
        .replaceAll('$2', `'${conversation?.id}'`)
        .replaceAll('$3', `'${idle?.id}'`)
        .replaceAll('$4', `'${busyConversation?.id}'`)
        .replaceAll('$5', `'${busy?.id}'`),
    );
    const reply = await scheduler.post('/jobs/close-idle-sessions');
    expect(reply.body.result).toEqual({ closed: 2 });
    const rows = await adminQuery(
      database.adminUrl,
      `select id, ended_at, (select max(occurred_at) from messages m where m.session_id = s.id) as last, started_at
         from ai_sessions s where tenant_id = $1`,
      [tenantId],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(idle?.id)?.ended_at).toEqual(byId.get(idle?.id)?.last);
    expect(byId.get(quiet?.id)?.ended_at).toEqual(byId.get(quiet?.id)?.started_at);
    expect(byId.get(busy?.id)?.ended_at).toBeNull();
    expect((await scheduler.post('/jobs/close-idle-sessions')).body.result).toEqual({ closed: 0 });
  });

  it('repository-sync queues a sync for each due repository, once', async () => {
    const [due, recent, off] = await adminQuery(
      database.adminUrl,
      `insert into repositories (tenant_id, provider, full_name, sync_enabled, sync_interval_minutes, last_synced_at, webhook_secret) values
         ($1, 'github', 'a/due', true, 60, now() - interval '2 hours', '\\x01'),
         ($1, 'github', 'a/recent', true, 60, now() - interval '10 minutes', '\\x01'),
         ($1, 'github', 'a/off', false, 60, null, '\\x01')
       returning id`,
      [tenantId],
    );
    const first = await scheduler.post('/jobs/repository-sync');
    expect(first.body.result).toEqual({ due: 1, queued: 1 });
    const events = await adminQuery(
      database.adminUrl,
      `select repository_id, trigger, status from sync_events where tenant_id = $1`,
      [tenantId],
    );
    expect(events).toEqual([{ repository_id: due?.id, trigger: 'scheduled', status: 'running' }]);
    const jobs = await adminQuery(
      database.adminUrl,
      `select kind, payload from jobs where kind = 'repositories.sync'`,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.payload.repositoryId).toBe(due?.id);
    // Still running: the next tick does not queue it again.
    expect((await scheduler.post('/jobs/repository-sync')).body.result).toEqual({
      due: 1,
      queued: 0,
    });
    expect([recent?.id, off?.id]).not.toContain(events[0]?.repository_id);
  });
});
