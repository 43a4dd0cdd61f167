import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  newestFirstPosition,
  notFound,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findImport, knownExternalIds, listImports } from './queries.ts';
import { startImport, uploadBody } from './start-import.ts';

const count = z.number().int();
const importReport = z.object({
  sessions: count,
  newMessages: count,
  duplicateMessages: count.describe('Messages the tenant held already: not stored again.'),
  verifiedHashes: count.optional().describe('v1 exports: messages whose v1 hash matched.'),
  mismatchedHashes: count.optional(),
  skipped: z
    .array(z.object({ where: z.string(), reason: z.string() }))
    .optional()
    .describe('v1 exports: entries that could not be read, and why.'),
  malformedLines: count.optional().describe('Transcripts: lines that are not JSON.'),
  unknownTypes: z
    .record(z.string(), count)
    .optional()
    .describe('Transcripts: lines of kinds not imported.'),
  repository: z
    .string()
    .nullable()
    .optional()
    .describe(
      'Transcripts sent with a git remote: the repository its session is linked to, or null when the tenant has none of that name.',
    ),
  commits: z
    .object({
      repository: z.string().nullable(),
      commits: count,
      inserted: count,
      skipped: z.string().optional(),
    })
    .optional()
    .describe('v1 exports: the commits of its repository.'),
});
const importSchema = z.object({
  id: z.uuid(),
  kind: z.enum(['v1-export', 'claude-code']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  progress: z
    .object({ sessionsDone: z.number().int(), sessions: z.number().int() })
    .nullable()
    .describe('While running: how many of its sessions are written.'),
  report: importReport.nullable().describe('What a succeeded import did.'),
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
const toView = (r: ImportRow) => ({
  ...r,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  created_at: undefined,
  finished_at: undefined,
});

const statuses = ['queued', 'running', 'succeeded', 'failed'] as const;
const listedImportSchema = importSchema.extend({
  createdBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
});

export const importRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/imports/known-messages',
    summary:
      'Which of a transcript’s messages the server holds already, so a push sends only what is new',
    tags: ['imports'],
    permission: 'sessions:write',
    body: z.object({
      tool: z.string().min(1).max(100).default('claude-code'),
      sessionId: z.string().min(1).max(500).describe('The tool’s id of the session.'),
      externalIds: z
        .array(z.string().min(1).max(500))
        .min(1)
        .max(10_000)
        .describe('Line identities: an assistant message’s id, else the line’s uuid.'),
    }),
    responses: {
      200: {
        description: 'The ids already stored',
        schema: z.object({ known: z.array(z.string()) }),
      },
    },
    handler: async (ctx, { body }) => {
      const known = await withTenant(actorScope(ctx), (trx) =>
        knownExternalIds(
          trx,
          actorOf(ctx).tenantId,
          { tool: body.tool, externalId: body.sessionId },
          [...new Set(body.externalIds)],
        ),
      );
      return { body: { known } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/imports',
    summary: 'The tenant’s imports, newest first: status, counts, who started each and when',
    tags: ['imports'],
    permission: 'sessions:read',
    query: pageQuery.extend({ status: z.enum(statuses).optional() }),
    responses: {
      200: {
        description: 'A page of imports',
        schema: z.object({ items: z.array(listedImportSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listImports(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
      return {
        body: toPage(
          rows,
          query.limit,
          (r) => newestFirstPosition(r, r.id),
          ({ created_by_id, created_by_name, position_at: _, ...row }) => ({
            ...toView(row),
            createdBy: created_by_id ? { id: created_by_id, name: created_by_name ?? '' } : null,
          }),
        ),
      };
    },
  }),
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
      400: { description: 'Nothing in the upload can be imported' },
      403: {
        description:
          'The tier cannot hold what it would store (quota_exceeded, with `quota`: resource, needed, remaining); nothing is imported',
      },
    },
    handler: async (ctx, { body }) => {
      const row = await startImport(ctx, body);
      return { status: 202, body: toView(row), headers: { location: `/v1/imports/${row.id}` } };
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
        findImport(trx, actorOf(ctx).tenantId, params.id),
      );
      if (!row) throw notFound('import');
      return { body: toView(row) };
    },
  }),
];
