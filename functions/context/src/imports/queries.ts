import { type Cursor, newestFirst, type Trx } from '@devctx/shared';

export const importColumns = [
  'id',
  'kind',
  'status',
  'progress',
  'report',
  'error',
  'created_at',
  'finished_at',
] as const;

/** A queued import of an upload already in storage under `storageKey`. */
export function insertImport(
  trx: Trx,
  tenantId: string,
  upload: {
    id: string;
    kind: 'v1-export' | 'claude-code';
    storageKey: string;
    uploadBytes: number;
    projectId: string | null;
    createdBy: string;
  },
) {
  return trx
    .insertInto('imports')
    .values({
      tenant_id: tenantId,
      id: upload.id,
      kind: upload.kind,
      storage_key: upload.storageKey,
      upload_bytes: upload.uploadBytes,
      project_id: upload.projectId,
      created_by: upload.createdBy,
      report: null,
      error: null,
      finished_at: null,
    })
    .returning(importColumns)
    .executeTakeFirstOrThrow();
}

export function findImport(trx: Trx, tenantId: string, importId: string) {
  return trx
    .selectFrom('imports')
    .select(importColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', importId)
    .executeTakeFirst();
}

/**
 * An import's end: succeeded with its report (the upload is then purged: no longer
 * counted toward storage), or failed with the reason (the upload is kept a week, for a
 * retry). Only an import not yet ended changes.
 */
export async function endImport(
  trx: Trx,
  tenantId: string,
  importId: string,
  end: { status: 'succeeded'; report: unknown } | { status: 'failed'; error: string },
) {
  const now = new Date();
  await trx
    .updateTable('imports')
    .set(
      end.status === 'succeeded'
        ? {
            status: 'succeeded',
            report: JSON.stringify(end.report),
            error: null,
            finished_at: now,
            upload_purged_at: now,
          }
        : { status: 'failed', error: end.error, finished_at: now },
    )
    .where('tenant_id', '=', tenantId)
    .where('id', '=', importId)
    .execute();
}

/** The tenant's usage counters and its tier's limits (kept in step by triggers). */
export function usageAndLimits(trx: Trx, tenantId: string) {
  return trx
    .selectFrom('tenant_usage as u')
    .innerJoin('tenants as n', 'n.id', 'u.tenant_id')
    .innerJoin('tiers as t', 't.tier', 'n.tier')
    .select(['n.tier', 'u.messages', 'u.storage_bytes', 't.max_messages', 't.max_storage_bytes'])
    .where('u.tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
}

/** The tenant's imports, newest first, with who started each. */
export function listImports(
  trx: Trx,
  tenantId: string,
  filter: { status?: 'queued' | 'running' | 'succeeded' | 'failed' | undefined },
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('imports as i')
    .leftJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.created_by'),
    )
    .select(importColumns.map((c) => `i.${c}` as const))
    .select(['u.id as created_by_id', 'u.name as created_by_name'])
    .where('i.tenant_id', '=', tenantId);
  if (filter.status) query = query.where('i.status', '=', filter.status);
  return newestFirst(query, { time: 'i.created_at', key: 'i.id' }, after, limit).execute();
}

/**
 * Which of these message ids (a transcript's line identities) one session — named by its
 * tool's id for it — already holds: what a push need not upload again.
 */
export async function knownExternalIds(
  trx: Trx,
  tenantId: string,
  session: { tool: string; externalId: string },
  externalIds: string[],
): Promise<string[]> {
  const rows = await trx
    .selectFrom('messages as m')
    .innerJoin('ai_sessions as s', (j) =>
      j.onRef('s.tenant_id', '=', 'm.tenant_id').onRef('s.id', '=', 'm.session_id'),
    )
    .select('m.external_id')
    .where('s.tenant_id', '=', tenantId)
    .where('s.tool', '=', session.tool)
    .where('s.external_id', '=', session.externalId)
    .where('m.external_id', 'in', externalIds)
    .execute();
  return rows.map((r) => r.external_id as string);
}
