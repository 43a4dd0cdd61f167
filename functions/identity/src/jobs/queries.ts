import type { Cursor, Trx } from '@devctx/shared';
import { sql } from 'kysely';

export const jobColumns = [
  'id',
  'kind',
  'state',
  'attempts',
  'max_attempts',
  'run_after',
  'last_error',
  'result',
  'created_at',
  'updated_at',
  'finished_at',
  'generation',
] as const;

export interface JobFilter {
  state?: 'pending' | 'dispatched' | 'running' | 'succeeded' | 'dead' | undefined;
  kind?: string | undefined;
}

/** The tenant's jobs, newest first, after the cursor's. */
export function listJobs(
  trx: Trx,
  tenantId: string,
  filter: JobFilter,
  limit: number,
  after?: Cursor,
) {
  // The cursor keeps created_at as PostgreSQL prints it: exact to the microsecond.
  let query = trx
    .selectFrom('jobs')
    .select([...jobColumns, sql<string>`created_at::text`.as('created_key')])
    .where('tenant_id', '=', tenantId);
  if (filter.state) query = query.where('state', '=', filter.state);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (after) {
    const position = sql<Date>`${after.after}::timestamptz`;
    query = query.where((eb) =>
      eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(position, after.id)),
    );
  }
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export function findJob(trx: Trx, tenantId: string, jobId: string) {
  return trx
    .selectFrom('jobs')
    .select(jobColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', jobId)
    .executeTakeFirst();
}

/** The job's state and kind, its row locked for the rest of the transaction. */
export function lockJob(trx: Trx, tenantId: string, jobId: string) {
  return trx
    .selectFrom('jobs')
    .select(['state', 'kind'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', jobId)
    .forUpdate()
    .executeTakeFirst();
}

/** Pending again, due now, with a fresh set of attempts. */
export function requeueJob(trx: Trx, tenantId: string, jobId: string) {
  return trx
    .updateTable('jobs')
    .set((eb) => ({
      state: 'pending',
      attempts: 0,
      run_after: new Date(),
      finished_at: null,
      generation: eb('generation', '+', 1),
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', jobId)
    .returning(jobColumns)
    .executeTakeFirstOrThrow();
}
