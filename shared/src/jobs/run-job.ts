import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { translateDatabaseError } from '../db/errors.ts';
import { type Trx, withTenant } from '../db/with-tenant.ts';
import { AppError } from '../errors/app-error.ts';
import { errorCatalogue } from '../errors/catalogue.ts';
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
    const error = `This server does not know jobs of kind ${started.kind} yet.`;
    if (attempt < started.max_attempts) return retryLater(db, ref, attempt, error, error, jobLog);
    await bury(db, ref, error);
    return { outcome: 'dead', attempt, error };
  }
  const payload = definition.payload.safeParse(started.payload);
  if (!payload.success) {
    const error = `invalid payload: ${payload.error.message}`;
    await bury(db, ref, error);
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
    const failure = describeFailure(thrown, ref);
    if (failure.permanent || attempt >= started.max_attempts) {
      const dead = failure.permanent ? 'it can never succeed' : 'after its last attempt';
      jobLog.error(`job is dead: ${dead}`, { error: thrown });
      await bury(db, ref, failure.message, async (trx) =>
        definition.onDead?.(context, payload.data, trx, failure.message),
      );
      return { outcome: 'dead', attempt, error: failure.message };
    }
    return retryLater(db, ref, attempt, failure.message, thrown, jobLog);
  }
}

/** A job that will never succeed: no retry is tried. Use it for data that cannot be read. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

/**
 * What a failed attempt tells the tenant (GET /v1/jobs shows it), and whether trying
 * again could help. A client-caused error (a quota, invalid data: 4xx) or a
 * PermanentJobError is said as it is and is final; anything else is the server's,
 * described without its internals (the log has them) and retried.
 */
function describeFailure(thrown: unknown, ref: JobRef): { message: string; permanent: boolean } {
  const error = translateDatabaseError(thrown);
  if (error instanceof AppError) {
    const status = errorCatalogue[error.code].status;
    return { message: error.message, permanent: status < 500 };
  }
  if (error instanceof PermanentJobError) return { message: error.message, permanent: true };
  return {
    message: `The job failed on the server's side (job ${ref.id}); it is retried, and the operator can see why.`,
    permanent: false,
  };
}

/** A failed attempt worth another: pending again after backoff. */
async function retryLater(
  db: Db,
  ref: JobRef,
  attempt: number,
  error: string,
  thrown: unknown,
  log: Logger,
): Promise<JobOutcome> {
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
  log.warn('job failed; will retry', { error: thrown, retryAt: retryAt.toISOString() });
  return { outcome: 'retry', attempt, retryAt, error };
}

/**
 * Dead: kept, with its error, for an operator to read and retry; and, in the same
 * transaction, the resource it worked for reaches its own terminal state (onDead).
 */
async function bury(
  db: Db,
  ref: JobRef,
  error: string,
  onDead: (trx: Trx) => Promise<void> = async () => {},
) {
  await withTenant({ db, tenantId: ref.tenantId }, async (trx) => {
    await trx
      .updateTable('jobs')
      .set({ state: 'dead', last_error: error, finished_at: new Date() })
      .where('tenant_id', '=', ref.tenantId)
      .where('id', '=', ref.id)
      .execute();
    await onDead(trx);
  });
}
