import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  backoffSeconds,
  type Config,
  createDatabase,
  createLogger,
  type DatabaseHandle,
  type Dispatcher,
  defineJob,
  enqueueJob,
  type JobRef,
  JobRegistry,
  LocalDispatcher,
  loadConfig,
  runJob,
  withTenant,
} from '../src/index.ts';
import {
  adminQuery,
  createTestDatabase,
  doomedJob,
  flakyJob,
  noteJob,
  refusedJob,
  type TestDatabase,
  testJobs,
  unreadableJob,
} from './support/index.ts';

const log = createLogger('silent');
const registry = new JobRegistry(testJobs);
const tenantId = randomUUID();
let database: TestDatabase;
let handle: DatabaseHandle;
/** The settings a process would give its jobs. */
let config: Config;

/** Records what was dispatched, and when asked, fails like an unreachable Cloud Tasks. */
class RecordingDispatcher implements Dispatcher {
  dispatched: JobRef[] = [];
  failing = false;
  async dispatch(job: JobRef) {
    if (this.failing) throw new Error('Cloud Tasks unreachable');
    this.dispatched.push(job);
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'jobs', 'Jobs')`,
    [tenantId],
  );
  handle = createDatabase({ url: database.appUrl, poolMax: 5, statementTimeoutMs: 10_000, log });
  config = loadConfig({ DATABASE_URL: database.appUrl, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const scope = () => ({ db: handle.db, tenantId });
const job = async (id: string) =>
  (
    await adminQuery(
      database.adminUrl,
      'select state, attempts, last_error, run_after from jobs where id = $1',
      [id],
    )
  )[0];
const effects = async (action: string, jobId: string) =>
  (
    await adminQuery(
      database.adminUrl,
      'select count(*)::int as n from audit_log where action = $1 and target_id = $2',
      [action, jobId],
    )
  )[0]?.n;
const makeDue = (id: string) =>
  adminQuery(database.adminUrl, 'update jobs set run_after = now() where id = $1', [id]);

describe('the outbox', () => {
  it('a job exists and is dispatched if and only if its transaction commits', async () => {
    const dispatcher = new RecordingDispatcher();
    let ref: JobRef | undefined;
    await expect(
      withTenant(scope(), async (trx) => {
        ref = await enqueueJob(trx, dispatcher, tenantId, noteJob, { text: 'rolled back' });
        throw new Error('the surrounding work failed');
      }),
    ).rejects.toThrow('the surrounding work failed');
    expect(await job(ref?.id as string)).toBeUndefined();
    expect(dispatcher.dispatched).toEqual([]);

    const committed = await withTenant(scope(), async (trx) => {
      const enqueued = await enqueueJob(trx, dispatcher, tenantId, noteJob, { text: 'kept' });
      expect(dispatcher.dispatched).toEqual([]); // not before the commit
      return enqueued;
    });
    expect(await job(committed.id)).toMatchObject({ state: 'pending', attempts: 0 });
    expect(dispatcher.dispatched).toEqual([committed]);
  });

  it('a failed dispatch loses nothing: the committed job waits for the sweep', async () => {
    const dispatcher = new RecordingDispatcher();
    dispatcher.failing = true;
    const ref = await withTenant(scope(), (trx) =>
      enqueueJob(trx, dispatcher, tenantId, noteJob, { text: 'lost dispatch' }),
    );
    expect(await job(ref.id)).toMatchObject({ state: 'pending' });
    const local = new LocalDispatcher({
      db: handle.db,
      registry,
      log,
      config,
      pollMs: 60_000,
      concurrency: 2,
    });
    await local.drain(); // what the sweep (or the local poll) does
    expect(await job(ref.id)).toMatchObject({ state: 'succeeded' });
    expect(await effects('test.note', ref.id)).toBe(1);
  });
});

describe('running jobs', () => {
  const enqueue = <P>(definition: Parameters<typeof enqueueJob<P>>[3], payload: P) =>
    withTenant(scope(), (trx) =>
      enqueueJob(trx, new RecordingDispatcher(), tenantId, definition, payload),
    );

  it('the same job delivered twice — or three times at once — has one effect', async () => {
    const ref = await enqueue(noteJob, { text: 'once' });
    expect(await runJob(handle.db, registry, ref, log, config)).toMatchObject({
      outcome: 'succeeded',
      attempt: 1,
    });
    expect(await runJob(handle.db, registry, ref, log, config)).toEqual({ outcome: 'duplicate' });

    const racing = await enqueue(noteJob, { text: 'race' });
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => runJob(handle.db, registry, racing, log, config)),
    );
    expect(outcomes.filter((o) => o.outcome === 'succeeded')).toHaveLength(1);
    expect(await effects('test.note', racing.id)).toBe(1);
    expect(await job(racing.id)).toMatchObject({ state: 'succeeded' });
  });

  it('prepare and run get the settings the process runs with', async () => {
    const seen: unknown[] = [];
    const configured = defineJob<Record<string, never>, undefined>({
      kind: 'test.configured',
      queue: 'test',
      payload: z.object({}),
      prepare: async (ctx) => {
        seen.push(ctx.config);
        return undefined;
      },
      run: async (ctx) => {
        seen.push(ctx.config);
      },
    });
    const ref = await enqueue(configured, {});
    expect(await runJob(handle.db, new JobRegistry([configured]), ref, log, config)).toMatchObject({
      outcome: 'succeeded',
    });
    expect(seen).toHaveLength(2);
    expect(seen.every((given) => given === config)).toBe(true);
  });

  it('prepare runs before the transaction, hands its result to run, and is skipped for a finished job', async () => {
    let prepared = 0;
    const fetching = defineJob<{ id: string }, { fetched: string; inTransaction: boolean }>({
      kind: 'test.prepared',
      queue: 'test',
      payload: z.object({ id: z.string() }),
      prepare: async (ctx, payload) => {
        prepared++;
        // On its own pooled connection, outside the job's transaction.
        const { rows } = await sql<{
          open: boolean;
        }>`select now() <> statement_timestamp() as open`.execute(ctx.db);
        return { fetched: `data for ${payload.id}`, inTransaction: rows[0]?.open ?? true };
      },
      run: async (ctx, _payload, trx, result) => {
        await trx
          .insertInto('audit_log')
          .values({
            tenant_id: ctx.tenantId,
            action: 'test.prepared',
            target_id: ctx.jobId,
            details: JSON.stringify(result),
          })
          .execute();
        return result;
      },
    });
    const withPrepared = new JobRegistry([...testJobs, fetching]);
    const ref = await enqueue(fetching, { id: 'x1' });
    expect(await runJob(handle.db, withPrepared, ref, log, config)).toMatchObject({
      outcome: 'succeeded',
    });
    const [row] = await adminQuery(
      database.adminUrl,
      `select details from audit_log where action = 'test.prepared'`,
    );
    expect(row?.details).toEqual({ fetched: 'data for x1', inTransaction: false });
    expect(await runJob(handle.db, withPrepared, ref, log, config)).toEqual({
      outcome: 'duplicate',
    });
    expect(prepared).toBe(1);
  });

  it('a job that throws is retried with growing backoff, then succeeds', async () => {
    const ref = await enqueue(flakyJob, { failures: 2 });
    const first = await runJob(handle.db, registry, ref, log, config);
    // What the tenant reads of a server-side failure names the job, never its internals.
    expect(first).toMatchObject({ outcome: 'retry', attempt: 1 });
    expect(first.outcome === 'retry' && first.error).toContain(ref.id);
    const stored = await job(ref.id);
    expect(stored).toMatchObject({ state: 'pending', attempts: 1 });
    expect(stored?.last_error).not.toContain('failure 1 of 2');
    expect(stored?.run_after.getTime()).toBeGreaterThan(Date.now());

    await makeDue(ref.id);
    expect(await runJob(handle.db, registry, ref, log, config)).toMatchObject({
      outcome: 'retry',
      attempt: 2,
    });
    await makeDue(ref.id);
    expect(await runJob(handle.db, registry, ref, log, config)).toMatchObject({
      outcome: 'succeeded',
      attempt: 3,
    });
    expect(await effects('test.flaky', ref.id)).toBe(1);

    const early = Array.from({ length: 20 }, () => backoffSeconds(1));
    const late = Array.from({ length: 20 }, () => backoffSeconds(6));
    expect(Math.max(...early)).toBeLessThan(Math.min(...late));
    expect(Math.max(...Array.from({ length: 20 }, () => backoffSeconds(30)))).toBeLessThanOrEqual(
      750,
    );
  });

  it('a job that keeps failing ends dead after its max attempts, and its resource learns it', async () => {
    const ref = await enqueue(doomedJob, {});
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push((await runJob(handle.db, registry, ref, log, config)).outcome);
      await makeDue(ref.id);
    }
    expect(outcomes).toEqual(['retry', 'retry', 'dead']);
    expect(await job(ref.id)).toMatchObject({ state: 'dead', attempts: 3 });
    expect((await job(ref.id))?.last_error).not.toContain('this never works');
    // onDead ran once, in the transaction that buried the job.
    expect(await effects('test.doomed.dead', ref.id)).toBe(1);
    expect(await runJob(handle.db, registry, ref, log, config)).toEqual({ outcome: 'duplicate' });
  });

  it('a failure that will never change (a quota, unreadable data) is dead at once, said as it is', async () => {
    for (const [kind, message] of [
      [refusedJob, 'Your tier allows 10 messages; this would exceed it.'],
      [unreadableJob, 'The upload is not a transcript.'],
    ] as const) {
      const ref = await enqueue(kind, {});
      const outcome = await runJob(handle.db, registry, ref, log, config);
      expect(outcome).toEqual({ outcome: 'dead', attempt: 1, error: message });
      expect(await job(ref.id)).toMatchObject({ state: 'dead', attempts: 1, last_error: message });
    }
  });

  it('a payload that can never be valid is dead at once, without retries', async () => {
    const [row] = await adminQuery(
      database.adminUrl,
      `insert into jobs (tenant_id, kind, payload) values ($1, 'test.note', '{"text": 42}') returning id`,
      [tenantId],
    );
    const ref = { tenantId, id: row?.id as string, kind: 'test.note' };
    expect(await runJob(handle.db, registry, ref, log, config)).toMatchObject({
      outcome: 'dead',
      attempt: 1,
    });
    expect((await job(ref.id))?.last_error).toMatch(/invalid payload/);
  });

  it('a kind this worker does not know (a deploy in progress) is retried, not killed', async () => {
    const ref = await enqueue(noteJob, { text: 'new kind' });
    const behind = new JobRegistry([flakyJob]);
    expect(await runJob(handle.db, behind, ref, log, config)).toMatchObject({
      outcome: 'retry',
      attempt: 1,
    });
    expect(await job(ref.id)).toMatchObject({
      state: 'pending',
      last_error: 'This server does not know jobs of kind test.note yet.',
    });
  });

  it('a job runs in its own tenant only', async () => {
    const other = randomUUID();
    await adminQuery(
      database.adminUrl,
      `insert into tenants (id, slug, name) values ($1, 'other', 'Other')`,
      [other],
    );
    const ref = await enqueue(noteJob, { text: 'mine' });
    // Delivered with the wrong tenant (a forged or confused task): nothing to run there.
    expect(await runJob(handle.db, registry, { ...ref, tenantId: other }, log, config)).toEqual({
      outcome: 'duplicate',
    });
    expect(await job(ref.id)).toMatchObject({ state: 'pending', attempts: 0 });
  });
});

describe('the local dispatcher', () => {
  it('runs committed jobs by itself, retries with backoff and stops cleanly', async () => {
    const local = new LocalDispatcher({
      db: handle.db,
      registry,
      log,
      config,
      pollMs: 20,
      concurrency: 2,
    });
    local.start();
    try {
      const ref = await withTenant(scope(), (trx) =>
        enqueueJob(trx, local, tenantId, noteJob, { text: 'local' }),
      );
      await waitFor(async () => (await job(ref.id))?.state === 'succeeded');
      expect(await effects('test.note', ref.id)).toBe(1);
    } finally {
      await local.stop();
    }
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}
