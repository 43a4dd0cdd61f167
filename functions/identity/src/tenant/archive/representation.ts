import { z } from 'zod';

// How exports and imports of a tenant's archive are shown.
export const exportSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'succeeded', 'failed']),
  bytes: z.number().nullable().describe('The archive’s size (gzip).'),
  counts: z.record(z.string(), z.number()).nullable().describe('Rows per table.'),
  digests: z
    .record(z.string(), z.string())
    .nullable()
    .describe('Each table’s content digest, which an import checks.'),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable().describe('The archive can be downloaded until then.'),
});
export const importSchema = z.object({
  id: z.uuid(),
  status: z.enum(['queued', 'succeeded', 'failed']),
  bytes: z.number(),
  counts: z.record(z.string(), z.number()).nullable().describe('Rows imported per table.'),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const exportColumns = [
  'id',
  'status',
  'bytes',
  'counts',
  'digests',
  'error',
  'created_at',
  'finished_at',
  'expires_at',
  'purged_at',
] as const;

type ExportRow = {
  id: string;
  status: 'queued' | 'succeeded' | 'failed';
  bytes: string | null;
  counts: Record<string, number> | null;
  digests: Record<string, string> | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
  expires_at: Date | null;
};
export const toExportView = (e: ExportRow) => ({
  id: e.id,
  status: e.status,
  bytes: e.bytes === null ? null : Number(e.bytes),
  counts: e.counts,
  digests: e.digests,
  error: e.error,
  createdAt: e.created_at.toISOString(),
  finishedAt: iso(e.finished_at),
  expiresAt: iso(e.expires_at),
});

export function toImportView(row: {
  id: string;
  status: 'queued' | 'succeeded' | 'failed';
  bytes: string;
  counts: Record<string, number> | null;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}) {
  return {
    id: row.id,
    status: row.status,
    bytes: Number(row.bytes),
    counts: row.counts,
    error: row.error,
    createdAt: row.created_at.toISOString(),
    finishedAt: iso(row.finished_at),
  };
}
