import { afterCommit } from '../db/after-commit.ts';
import type { Trx } from '../db/with-tenant.ts';
import type { JobDefinition } from './definition.ts';
import type { Dispatcher, JobRef } from './dispatcher.ts';

export interface EnqueueOptions {
  /** Who asked for it, for the job's record. */
  createdBy?: string | undefined;
  /** Not before this time. */
  runAfter?: Date;
}

/**
 * Writes the job in the caller's transaction (the outbox) and dispatches it once that
 * transaction commits. Should the dispatch fail or the process die in between, the
 * scheduled sweep hands the job over later: nothing committed is lost.
 */
export async function enqueueJob<P>(
  trx: Trx,
  dispatcher: Dispatcher,
  tenantId: string,
  job: JobDefinition<P>,
  payload: P,
  options: EnqueueOptions = {},
): Promise<JobRef> {
  const parsed = job.payload.parse(payload);
  const row = await trx
    .insertInto('jobs')
    .values({
      tenant_id: tenantId,
      kind: job.kind,
      payload: JSON.stringify(parsed),
      max_attempts: job.maxAttempts ?? 5,
      created_by: options.createdBy ?? null,
      dispatched_at: null,
      last_error: null,
      result: null,
      finished_at: null,
      ...(options.runAfter ? { run_after: options.runAfter } : {}),
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  const ref = { tenantId, id: row.id, kind: job.kind };
  if (!options.runAfter || options.runAfter <= new Date()) {
    afterCommit(trx, () => dispatcher.dispatch(ref));
  }
  return ref;
}
