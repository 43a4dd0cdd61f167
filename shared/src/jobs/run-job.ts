import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { withTenant } from '../db/with-tenant.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRegistry } from './definition.ts';
import type { JobRef } from './dispatcher.ts';

export type JobOutcome =
  | { outcome: 'succeeded'; attempt: number }
  | { outcome: 'duplicate' }
  | { outcome: 'retry'; attempt: number; retryAt: Date; error: string }
  | { outcome: 'dead'; attempt: number; error: string };

/** 2 s, 4 s, 8 s … capped at 10 minutes, with jitter so retries do not arrive in herds. */
export function backoffSeconds(attempt: number): number {
  const base = Math.min(600, 2 ** attempt);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

/**
 * One delivery of one job, as the worker (Cloud Tasks) or the local dispatcher makes it.
 * The attempt is recorded first, in its own transaction, so it counts even if the process
 * dies; then the work and the `succeeded` mark commit together, with the job row locked,
 * so a second delivery waits and then sees the job done. A failure schedules a retry with
 * backoff, or, after max attempts — or at once for a payload that can never be valid —
 * leaves the job dead for an operator to look at.
 */
export async function runJob(
  db: Db,
  registry: JobRegistry,
  ref: JobRef,
  log: Logger,
  config: Config,
): Promise<JobOutcome> {
  const scope = { db, tenantId: ref.tenantId };
  const started = await withTenant(scope, (trx) =>
    trx
      .updateTable('jobs')
      .set({ state: 'running', attempts: sql`attempts + 1` })
      .where('tenant_id', '=', ref.tenantId)
      .where('id', '=', ref.id)
      .where('state', 'in', ['pending', 'dispatched', 'running'])
      .returning(['attempts', 'max_attempts', 'kind', 'payload'])
      .executeTakeFirst(),
  );
  if (!started) return { outcome: 'duplicate' };
  const attempt = started.attempts;
  const jobLog = log.child({ jobId: ref.id, tenantId: ref.tenantId, kind: started.kind, attempt });

  const definition = registry.get(started.kind);
  if (!definition) {
    // A deploy where the worker lags the enqueuer: not the job's fault, so retry later.
    return failed(
      db,
      ref,
      attempt,
      started.max_attempts,
      `unknown job kind ${started.kind}`,
      jobLog,
    );
  }
  const payload = definition.payload.safeParse(started.payload);
  if (!payload.success) {
    const error = `invalid payload: ${payload.error.message}`;
    await finish(db, ref, error);
    jobLog.error('job is dead: its payload can never be valid', { error });
    return { outcome: 'dead', attempt, error };
  }

  const context = { tenantId: ref.tenantId, jobId: ref.id, attempt, db, log: jobLog, config };
  try {
    const prepared = await definition.prepare?.(context, payload.data);
    const done = await withTenant(scope, async (trx) => {
      const row = await trx
        .selectFrom('jobs')
        .select('state')
        .where('tenant_id', '=', ref.tenantId)
        .where('id', '=', ref.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (row.state === 'succeeded' || row.state === 'dead') return false;
      const result = await definition.run(context, payload.data, trx, prepared);
      await trx
        .updateTable('jobs')
        .set({
          state: 'succeeded',
          result: JSON.stringify(result ?? null),
          finished_at: new Date(),
          last_error: null,
        })
        .where('tenant_id', '=', ref.tenantId)
        .where('id', '=', ref.id)
        .execute();
      return true;
    });
    if (!done) return { outcome: 'duplicate' };
    jobLog.info('job succeeded');
    return { outcome: 'succeeded', attempt };
  } catch (thrown) {
    const error = thrown instanceof Error ? thrown.message : String(thrown);
    return failed(db, ref, attempt, started.max_attempts, error, jobLog);
  }
}

/** A failed attempt: a retry after backoff, or dead once the attempts are used up. */
async function failed(
  db: Db,
  ref: JobRef,
  attempt: number,
  maxAttempts: number,
  error: string,
  log: Logger,
): Promise<JobOutcome> {
  if (attempt >= maxAttempts) {
    await finish(db, ref, error);
    log.error('job is dead after its last attempt', { error });
    return { outcome: 'dead', attempt, error };
  }
  const retryAt = new Date(Date.now() + backoffSeconds(attempt) * 1000);
  await withTenant({ db, tenantId: ref.tenantId }, (trx) =>
    trx
      .updateTable('jobs')
      .set({ state: 'pending', last_error: error, run_after: retryAt })
      .where('tenant_id', '=', ref.tenantId)
      .where('id', '=', ref.id)
      .where('state', '=', 'running')
      .execute(),
  );
  log.warn('job failed; will retry', { error, retryAt: retryAt.toISOString() });
  return { outcome: 'retry', attempt, retryAt, error };
}

/** Dead: kept, with its error, for an operator to read and retry. */
async function finish(db: Db, ref: JobRef, error: string) {
  await withTenant({ db, tenantId: ref.tenantId }, (trx) =>
    trx
      .updateTable('jobs')
      .set({ state: 'dead', last_error: error, finished_at: new Date() })
      .where('tenant_id', '=', ref.tenantId)
      .where('id', '=', ref.id)
      .execute(),
  );
}
