import { z } from 'zod';

export const syncEventSchema = z.object({
  id: z.uuid(),
  trigger: z.enum(['manual', 'scheduled', 'upload']),
  source: z.enum(['github', 'git-log']),
  status: z.enum(['running', 'succeeded', 'failed']),
  counts: z.object({
    fetched: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    pages: z.number().int(),
  }),
  error: z.string().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  durationMs: z.number().int().nullable(),
});
export const syncEventColumns = [
  'id',
  'trigger',
  'source',
  'status',
  'fetched',
  'inserted',
  'updated',
  'pages',
  'error',
  'started_at',
  'finished_at',
  'duration_ms',
] as const;

export type SyncEventRow = {
  id: string;
  trigger: 'manual' | 'scheduled' | 'upload';
  source: 'github' | 'git-log';
  status: 'running' | 'succeeded' | 'failed';
  fetched: number;
  inserted: number;
  updated: number;
  pages: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
  duration_ms: number | null;
};

export const toSyncEventView = (row: SyncEventRow): z.infer<typeof syncEventSchema> => ({
  id: row.id,
  trigger: row.trigger,
  source: row.source,
  status: row.status,
  counts: { fetched: row.fetched, inserted: row.inserted, updated: row.updated, pages: row.pages },
  error: row.error,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  durationMs: row.duration_ms,
});
