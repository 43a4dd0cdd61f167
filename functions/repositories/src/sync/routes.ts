import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  newestFirstPosition,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findRepository } from '../repositories/queries.ts';
import { listSyncEvents } from './queries.ts';
import { syncEventSchema, toSyncEventView } from './representation.ts';
import { queueGitHubSync } from './sync-job.ts';
import { uploadGitLog } from './upload-git-log.ts';

const tags = ['sync'];
const idParams = z.object({ id: z.uuid() });

export const syncRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/repositories/{id}/sync',
    summary:
      'Sync commits: from GitHub in the background (202), or from an uploaded git log at once (200)',
    tags,
    permission: 'repositories:write',
    params: idParams,
    bodyLimitBytes: 20 * 1024 * 1024,
    body: z
      .object({
        gitLog: z
          .string()
          .max(20_000_000)
          .optional()
          .describe(
            "Output of git log --numstat --date=iso-strict --format='%x1e%H%x1f%an%x1f%ae%x1f%cd%x1f%B%x1f' (docs/commits.md). Without it, the repository is synced from GitHub.",
          ),
        branch: z
          .string()
          .trim()
          .min(1)
          .max(255)
          .optional()
          .describe('Branch the uploaded log is from.'),
      })
      .default({}),
    responses: {
      200: {
        description: 'The uploaded log was written',
        schema: syncEventSchema.extend({ skipped: z.number().int() }),
      },
      202: {
        description: 'The GitHub sync is queued; follow it in sync-events',
        schema: syncEventSchema,
      },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params, body }) => {
      if (body.gitLog !== undefined) {
        const { event, skipped } = await uploadGitLog(ctx, params.id, body.gitLog, body.branch);
        return { body: { ...toSyncEventView(event), skipped } };
      }
      const actor = actorOf(ctx);
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, actor.tenantId, params.id);
        const queued = await queueGitHubSync(
          trx,
          ctx.dispatcher,
          actor.tenantId,
          params.id,
          'manual',
          actor.userId,
        );
        if (!queued) throw new Error('a manual sync is always queued');
        return queued;
      });
      return { status: 202, body: toSyncEventView(row) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/repositories/{id}/sync-events',
    summary: 'A repository’s syncs, newest first: trigger, counts, duration, status, error',
    tags,
    permission: 'repositories:read',
    params: idParams,
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of sync events',
        schema: z.object({ items: z.array(syncEventSchema), nextCursor: z.string().nullable() }),
      },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, tenantId, params.id);
        return listSyncEvents(trx, tenantId, params.id, query.limit, after);
      });
      return {
        body: toPage(rows, query.limit, (r) => newestFirstPosition(r, r.id), toSyncEventView),
      };
    },
  }),
];
