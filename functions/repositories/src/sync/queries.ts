import { type Cursor, newestFirst, type Trx } from '@devctx/shared';
import type { UpsertResult } from '../commits/upsert-commits.ts';
import { syncEventColumns } from './representation.ts';

/** A sync as it starts: running, until finishSyncEvent closes it. */
export function insertSyncEvent(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  trigger: 'manual' | 'scheduled' | 'upload',
  source: 'github' | 'git-log',
) {
  return trx
    .insertInto('sync_events')
    .values({
      tenant_id: tenantId,
      repository_id: repositoryId,
      trigger,
      source,
      error: null,
      finished_at: null,
      duration_ms: null,
    })
    .returning(syncEventColumns)
    .executeTakeFirstOrThrow();
}

/** Closes a sync event (its counts and duration, or its error) and returns it. */
export async function finishSyncEvent(
  trx: Trx,
  tenantId: string,
  syncEventId: string,
  started: number,
  outcome: { fetched?: number; pages?: number; written?: UpsertResult; error?: string },
) {
  return trx
    .updateTable('sync_events')
    .set({
      status: outcome.error ? 'failed' : 'succeeded',
      fetched: outcome.fetched ?? 0,
      pages: outcome.pages ?? 0,
      inserted: outcome.written?.inserted ?? 0,
      updated: outcome.written?.updated ?? 0,
      error: outcome.error ?? null,
      finished_at: new Date(),
      duration_ms: Date.now() - started,
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', syncEventId)
    .returning(syncEventColumns)
    .executeTakeFirstOrThrow();
}

/** A repository's syncs, newest first, after the cursor's. */
export function listSyncEvents(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  limit: number,
  after?: Cursor,
) {
  const query = trx
    .selectFrom('sync_events')
    .select(syncEventColumns)
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId);
  return newestFirst(query, { time: 'started_at', key: 'id' }, after, limit).execute();
}
