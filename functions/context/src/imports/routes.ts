import { randomUUID } from 'node:crypto';
import {
  actorOf,
  actorScope,
  assertReferenceExists,
  defineRoute,
  enqueueJob,
  notFound,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { importJob, importStorage } from './import-job.ts';

const importSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['v1-export', 'claude-code']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z.unknown(),
  report: z
    .unknown()
    .describe('Sessions, new and duplicate messages, verified v1 hashes, skipped entries.'),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
type ImportRow = {
  id: string;
  kind: 'v1-export' | 'claude-code';
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  progress: unknown;
  report: unknown;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
};
const importColumns = [
  'id',
  'kind',
  'status',
  'progress',
  'report',
  'error',
  'created_at',
  'finished_at',
] as const;
const toView = (r: ImportRow) => ({
  ...r,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  created_at: undefined,
  finished_at: undefined,
});

const uploadBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('v1-export'),
    projectId: z.uuid().optional(),
    files: z.object({
      checkpoints: z.unknown().optional(),
      messagePages: z
        .array(z.unknown())
        .min(1)
        .describe('The messages-page-NNN.json files, in order.'),
      commits: z.unknown().optional().describe('git-commits.json'),
      topics: z.unknown().optional().describe('topics.json'),
    }),
  }),
  z.object({
    kind: z.literal('claude-code'),
    projectId: z.uuid().optional(),
    transcript: z.string().min(1).describe('The .jsonl file of one Claude Code session.'),
  }),
]);

export const importRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/imports',
    summary: 'Import a v1 export or a Claude Code transcript (runs in the background)',
    tags: ['imports'],
    permission: 'sessions:write',
    body: uploadBody,
    bodyLimitBytes: 25 * 1024 * 1024,
    responses: {
      202: { description: 'Accepted; follow it at GET /v1/imports/{id}', schema: importSchema },
    },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const id = randomUUID();
      const key = `imports/${id}.json`;
      // The upload is stored before the row exists: a job never points at a missing file.
      await importStorage(ctx.config).put(
        actor.tenantId,
        key,
        Buffer.from(JSON.stringify(body)),
        'application/json',
      );
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await assertReferenceExists(trx, actor.tenantId, 'projects', body.projectId);
        const created = await trx
          .insertInto('imports')
          .values({
            tenant_id: actor.tenantId,
            id,
            kind: body.kind,
            storage_key: key,
            project_id: body.projectId ?? null,
            created_by: actor.userId,
            report: null,
            error: null,
            finished_at: null,
          })
          .returning(importColumns)
          .executeTakeFirstOrThrow();
        await enqueueJob(
          trx,
          ctx.dispatcher,
          actor.tenantId,
          importJob,
          { importId: id },
          { createdBy: actor.userId },
        );
        return created;
      });
      return { status: 202, body: toView(row), headers: { location: `/v1/imports/${id}` } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/imports/{id}',
    summary: 'An import: status, progress and report',
    tags: ['imports'],
    permission: 'sessions:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'The import', schema: importSchema },
      404: { description: 'No such import' },
    },
    handler: async (ctx, { params }) => {
      const row = await withTenant(actorScope(ctx), (trx) =>
        trx
          .selectFrom('imports')
          .select(importColumns)
          .where('tenant_id', '=', actorOf(ctx).tenantId)
          .where('id', '=', params.id)
          .executeTakeFirst(),
      );
      if (!row) throw notFound('import');
      return { body: toView(row) };
    },
  }),
];
