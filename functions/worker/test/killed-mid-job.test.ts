import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { enqueueJob, healthRoutes, withTenant } from '@devctx/shared';
import {
  adminQuery,
  Client,
  createTestDatabase,
  freePort,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerRoutes } from '../src/routes.ts';
import { slowJob } from './fixtures/slow-job.ts';

// A worker process is killed (SIGKILL) while a job's work is written but not committed;
// Cloud Tasks, seeing the delivery fail, delivers it again to another worker. The job must
// end done, with its effect exactly once.
const SECRET = 'a-local-shared-secret-of-enough-length';
const tenantId = randomUUID();
let database: TestDatabase;
let survivor: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'killed', 'Killed')`,
    [tenantId],
  );
  survivor = await startTestServer([...healthRoutes, ...workerRoutes([slowJob])], database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
    TASKS_POLL_MS: '3600000',
  });
});
afterAll(async () => {
  await survivor.close();
  await database.drop();
});

describe('a worker killed in the middle of a job', () => {
  // Two Node processes start and one is killed: 13 s under a full test run.
  it('leaves nothing behind; the redelivered job runs once more and its effect exists once', async () => {
    const job = await withTenant({ db: survivor.service.database.db, tenantId }, (trx) =>
      enqueueJob(trx, { dispatch: async () => {} }, tenantId, slowJob, {}),
    );
    const port = await freePort();
    const doomed = spawn(
      process.execPath,
      [path.join(import.meta.dirname, 'fixtures', 'slow-worker.ts')],
      {
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH ?? '',
          PORT: String(port),
          DATABASE_URL: database.appUrl,
          INTERNAL_SHARED_SECRET: SECRET,
          TASKS_POLL_MS: '3600000',
          JWT_KEYS: 'memory',
          LOG_LEVEL: 'silent',
          METADATA_SERVER_DETECTION: 'none',
        },
      },
    );
    const doomedUrl = `http://127.0.0.1:${port}`;
    for (
      let i = 0;
      i < 200 &&
      !(await fetch(`${doomedUrl}/health`).then(
        (r) => r.ok,
        () => false,
      ));
      i++
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const delivery = { tenantId, jobId: job.id };
    const first = new Client(doomedUrl, SECRET)
      .post(`/tasks/${slowJob.kind}`, delivery)
      .catch((e: Error) => e);
    // Kill it once its work is written and waiting to commit.
    for (let i = 0; i < 100; i++) {
      const sleeping = await adminQuery(
        database.adminUrl,
        `select 1 from pg_stat_activity where query like '%pg_sleep(3)%' and pid <> pg_backend_pid()`,
      );
      if (sleeping.length) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    doomed.kill('SIGKILL');
    expect(await first).toBeInstanceOf(Error); // the delivery failed: Cloud Tasks retries it

    const again = await new Client(survivor.baseUrl, SECRET).post(
      `/tasks/${slowJob.kind}`,
      delivery,
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ outcome: 'succeeded', attempt: 2 });
    const effects = await adminQuery(
      database.adminUrl,
      `select count(*)::int as n from audit_log where action = 'test.slow' and target_id = $1`,
      [job.id],
    );
    expect(effects[0]?.n).toBe(1);
    const [row] = await adminQuery(
      database.adminUrl,
      'select state, attempts from jobs where id = $1',
      [job.id],
    );
    expect(row).toEqual({ state: 'succeeded', attempts: 2 });
    // A third delivery (Cloud Tasks may still have one in flight) changes nothing.
    const late = await new Client(survivor.baseUrl, SECRET).post(
      `/tasks/${slowJob.kind}`,
      delivery,
    );
    expect(late.body.outcome).toBe('duplicate');
  }, 60_000);
});
