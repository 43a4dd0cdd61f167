import {
  afterCommit,
  defineJob,
  PermanentJobError,
  storageFor,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { importArchive } from './import-archive.ts';
import { archiveKey, writeArchive } from './write-archive.ts';

/** How long an export's archive can be downloaded; the scheduler deletes it then. */
export const ARCHIVE_HOURS = 24;

/**
 * Writes the tenant's archive to storage (before the job's transaction: it only reads, in
 * its own snapshot, and writing the same key again on a redelivery is harmless), then
 * records it. A failed export's partial archive goes with it.
 */
export const tenantExportJob = defineJob({
  kind: 'identity.tenant-export',
  queue: 'imports',
  payload: z.object({ exportId: z.uuid() }),
  maxAttempts: 3,
  prepare: async (ctx, { exportId }) => {
    const found = await withTenant({ db: ctx.db, tenantId: ctx.tenantId }, (trx) =>
      trx
        .selectFrom('tenant_exports as e')
        .innerJoin('tenants as t', 't.id', 'e.tenant_id')
        .select(['e.status', 't.id', 't.slug', 't.name'])
        .where('e.tenant_id', '=', ctx.tenantId)
        .where('e.id', '=', exportId)
        .executeTakeFirst(),
    );
    if (found?.status !== 'queued') return undefined;
    return writeArchive(ctx.db, ctx.config, found, exportId);
  },
  run: async (ctx, { exportId }, trx, written) => {
    if (!written) return { skipped: 'not queued' };
    const now = new Date();
    const recorded = await trx
      .updateTable('tenant_exports')
      .set({
        status: 'succeeded',
        bytes: written.bytes,
        counts: JSON.stringify(written.counts),
        digests: JSON.stringify(written.digests),
        finished_at: now,
        expires_at: new Date(now.getTime() + ARCHIVE_HOURS * 3600_000),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', exportId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    // Cancelled meanwhile (a person was erased): the archive may hold them, so it goes.
    if (!recorded.numUpdatedRows) {
      afterCommit(trx, () => storageFor(ctx.config).delete(ctx.tenantId, archiveKey(exportId)));
      return { discarded: 'the export was cancelled while it was built' };
    }
    return { bytes: written.bytes, counts: written.counts };
  },
  onDead: async (ctx, { exportId }, trx, error) => {
    await fail(trx, 'tenant_exports', ctx.tenantId, exportId, error);
    afterCommit(trx, () => storageFor(ctx.config).delete(ctx.tenantId, archiveKey(exportId)));
  },
});

/** Imports an uploaded archive into its (new) tenant, all or nothing; the upload then goes. */
export const tenantImportJob = defineJob({
  kind: 'identity.tenant-import',
  queue: 'imports',
  payload: z.object({ importId: z.uuid() }),
  maxAttempts: 3,
  run: async (ctx, { importId }, trx) => {
    const row = await trx
      .selectFrom('tenant_imports')
      .select(['status', 'storage_key', 'requested_by'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', importId)
      // A second delivery waits here for the first, then finds it done.
      .forUpdate()
      .executeTakeFirst();
    if (row?.status !== 'queued' || !row.requested_by) return { skipped: 'not queued' };
    const storage = storageFor(ctx.config);
    const upload = await storage.getStream(ctx.tenantId, row.storage_key);
    if (!upload) throw new PermanentJobError('The uploaded archive is gone; upload it again.');
    const counts = await importArchive(trx, ctx.tenantId, row.requested_by, upload);
    await trx
      .updateTable('tenant_imports')
      .set({ status: 'succeeded', counts: JSON.stringify(counts), finished_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', importId)
      .execute();
    afterCommit(trx, () => storage.delete(ctx.tenantId, row.storage_key));
    return { counts };
  },
  onDead: async (ctx, { importId }, trx, error) => {
    const row = await fail(trx, 'tenant_imports', ctx.tenantId, importId, error);
    if (row) afterCommit(trx, () => storageFor(ctx.config).delete(ctx.tenantId, row.storage_key));
  },
});

function fail(
  trx: Trx,
  table: 'tenant_exports' | 'tenant_imports',
  tenantId: string,
  id: string,
  error: string,
) {
  return trx
    .updateTable(table)
    .set({ status: 'failed', error, finished_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning('storage_key')
    .executeTakeFirst();
}
