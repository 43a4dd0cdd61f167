import type { Trx } from '@devctx/shared';

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
