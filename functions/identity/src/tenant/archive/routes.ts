import { randomUUID } from 'node:crypto';
import {
  AppError,
  actorOf,
  actorScope,
  defineRoute,
  enqueueJob,
  notFound,
  type RequestContext,
  recordAudit,
  storageFor,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { assertFreshTenant } from './import-archive.ts';
import { tenantExportJob, tenantImportJob } from './jobs.ts';
import {
  exportColumns,
  exportSchema,
  importSchema,
  toExportView,
  toImportView,
} from './representation.ts';
import { archiveKey } from './write-archive.ts';

const tags = ['tenant'];
/** A gzip'd archive as uploaded; larger ones are a job for the operator (docs/operations.md). */
export const MAX_IMPORT_BYTES = 64 * 2 ** 20;

/** The loser of two requests racing past assertNoneQueued (a unique index refuses it). */
const lostRace =
  (message: string) =>
  (error: unknown): never => {
    if ((error as { code?: string }).code === '23505') throw new AppError('conflict', message);
    throw error;
  };

/** One export, and one import, at a time per tenant. */
async function assertNoneQueued(
  trx: Trx,
  table: 'tenant_exports' | 'tenant_imports',
  tenantId: string,
  busy: (id: string) => string,
) {
  const running = await trx
    .selectFrom(table)
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  if (running) throw new AppError('conflict', busy(running.id));
}

function findExport(ctx: RequestContext, id: string) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), (trx) =>
    trx
      .selectFrom('tenant_exports')
      .select(exportColumns)
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', id)
      .executeTakeFirst(),
  );
}

export const archiveRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/tenant/exports',
    summary: 'Export the tenant’s whole data as one archive (owners; built in the background)',
    tags,
    permission: 'tenant:own',
    responses: {
      202: { description: 'Queued: poll it until it has succeeded', schema: exportSchema },
      409: { description: 'An export is already being built' },
    },
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const id = randomUUID();
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await assertNoneQueued(
          trx,
          'tenant_exports',
          actor.tenantId,
          (id) => `Export ${id} is still being built.`,
        );
        // An archive finished after the purge began would outlive the tenant.
        const leaving = await trx
          .selectFrom('tenants')
          .select('deletion_due_at')
          .where('id', '=', actor.tenantId)
          .executeTakeFirst();
        if (leaving?.deletion_due_at && leaving.deletion_due_at.getTime() < Date.now() + 3600_000)
          throw new AppError(
            'conflict',
            'The tenant is deleted within the hour: it can no longer be exported.',
          );
        const created = await trx
          .insertInto('tenant_exports')
          .values({
            tenant_id: actor.tenantId,
            id,
            requested_by: actor.userId,
            storage_key: archiveKey(id),
          })
          .returning(exportColumns)
          .executeTakeFirstOrThrow()
          .catch(lostRace('An export is already being built.'));
        await enqueueJob(trx, ctx.dispatcher, actor.tenantId, tenantExportJob, { exportId: id });
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'tenant.export_requested',
          targetType: 'tenant_export',
          targetId: id,
        });
        return created;
      });
      return { status: 202, body: toExportView(row) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tenant/exports',
    summary: 'The tenant’s recent exports (owners)',
    tags,
    permission: 'tenant:own',
    responses: {
      200: { description: 'Newest first', schema: z.object({ items: z.array(exportSchema) }) },
    },
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const rows = await withTenant(actorScope(ctx), (trx) =>
        trx
          .selectFrom('tenant_exports')
          .select(exportColumns)
          .where('tenant_id', '=', actor.tenantId)
          .orderBy('created_at', 'desc')
          .limit(20)
          .execute(),
      );
      return { body: { items: rows.map(toExportView) } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tenant/exports/{id}',
    summary: 'One export: its state, and what the archive holds',
    tags,
    permission: 'tenant:own',
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: 'The export', schema: exportSchema } },
    handler: async (ctx, { params }) => {
      const row = await findExport(ctx, params.id);
      if (!row) throw notFound('export');
      return { body: toExportView(row) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tenant/exports/{id}/archive',
    summary: 'Download an export’s archive (gzip’d lines of JSON), for a day after it is built',
    tags,
    permission: 'tenant:own',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'The archive (application/gzip)' },
      409: { description: 'Not built yet, or it failed' },
      410: { description: 'Its day has passed: the archive is deleted' },
    },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      const row = await findExport(ctx, params.id);
      if (!row) throw notFound('export');
      if (row.status !== 'succeeded')
        throw new AppError(
          'conflict',
          `The export has ${row.status === 'queued' ? 'not been built yet' : 'failed'}.`,
        );
      const expired = row.purged_at || (row.expires_at && row.expires_at < new Date());
      const stream = expired
        ? undefined
        : await storageFor(ctx.config).getStream(actor.tenantId, archiveKey(row.id));
      if (!stream)
        throw new AppError(
          'gone',
          row.error ?? 'The archive was kept for a day and is deleted: export again.',
        );
      await withTenant(actorScope(ctx), (trx) =>
        recordAudit(trx, ctx, actor.tenantId, {
          action: 'tenant.export_downloaded',
          targetType: 'tenant_export',
          targetId: row.id,
        }),
      );
      const day = row.created_at.toISOString().slice(0, 10);
      return {
        headers: {
          'content-disposition': `attachment; filename="devctx-export-${day}-${row.id.slice(0, 8)}.ndjson.gz"`,
          'cache-control': 'no-store',
          ...(row.bytes ? { 'content-length': String(row.bytes) } : {}),
        },
        stream: { type: 'application/gzip', data: stream },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tenant/imports',
    summary:
      'Import an export’s archive into this new tenant (owners; as one of the archive’s owners, same address)',
    tags,
    permission: 'tenant:own',
    bodyLimitBytes: MAX_IMPORT_BYTES,
    rawBody: {
      contentTypes: ['application/gzip'],
      description: 'The archive exactly as GET /v1/tenant/exports/{id}/archive gave it.',
    },
    responses: {
      202: { description: 'Queued: poll it until it has succeeded', schema: importSchema },
      409: { description: 'This tenant is not new: it has data of its own' },
      413: { description: 'Larger than 64 MiB' },
      415: { description: 'Not application/gzip' },
    },
    handler: async (ctx, { headers, readRawBody }) => {
      const actor = actorOf(ctx);
      if (
        (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() !== 'application/gzip'
      )
        throw new AppError('unsupported_media_type', 'Send the archive as application/gzip.');
      // Checked before a byte of the body is read: a new tenant, with no import under way.
      await withTenant(actorScope(ctx), async (trx) => {
        await assertFreshTenant(trx, actor.tenantId, actor.userId);
        await assertNoneQueued(
          trx,
          'tenant_imports',
          actor.tenantId,
          (id) => `Import ${id} is still under way.`,
        );
      });
      const archive = (await readRawBody?.()) ?? Buffer.alloc(0);
      if (archive[0] !== 0x1f || archive[1] !== 0x8b)
        throw new AppError('validation_failed', 'The body is not a gzip file.');
      const id = randomUUID();
      const key = `imports/tenant-${id}.ndjson.gz`;
      const storage = storageFor(ctx.config);
      await storage.put(actor.tenantId, key, archive, 'application/gzip');
      try {
        const row = await withTenant(actorScope(ctx), async (trx) => {
          const created = await trx
            .insertInto('tenant_imports')
            .values({
              tenant_id: actor.tenantId,
              id,
              requested_by: actor.userId,
              storage_key: key,
              bytes: archive.length,
            })
            .returningAll()
            .executeTakeFirstOrThrow()
            .catch(lostRace('An import is already under way.'));
          await enqueueJob(trx, ctx.dispatcher, actor.tenantId, tenantImportJob, { importId: id });
          await recordAudit(trx, ctx, actor.tenantId, {
            action: 'tenant.import_requested',
            targetType: 'tenant_import',
            targetId: id,
            details: { bytes: archive.length },
          });
          return created;
        });
        return { status: 202, body: toImportView(row) };
      } catch (error) {
        await storage.delete(actor.tenantId, key).catch(() => undefined);
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tenant/imports/{id}',
    summary: 'One import of an archive: its state, and what it brought',
    tags,
    permission: 'tenant:own',
    params: z.object({ id: z.uuid() }),
    responses: { 200: { description: 'The import', schema: importSchema } },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      const row = await withTenant(actorScope(ctx), (trx) =>
        trx
          .selectFrom('tenant_imports')
          .selectAll()
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', params.id)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('import');
      return { body: toImportView(row) };
    },
  }),
];
