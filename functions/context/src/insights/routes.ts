import { actorOf, actorScope, defineRoute, type Trx, withTenant } from '@devctx/shared';
import { z } from 'zod';
import {
  commandCountSchema,
  commandCounts,
  fileCountSchema,
  fileCounts,
  type InsightsQuery,
  insightsQuery,
  overview,
  overviewSchema,
  tagCountSchema,
  tagCounts,
} from './queries.ts';

// The tenant-wide views of v1's dashboard (topics, files, commands), read from the
// per-session counts that ingest keeps, and its overview counts.
const tags = ['insights'];

/** GET /v1/insights/{name}: one of the counted views, filtered by project and text. */
function countsRoute<T extends z.ZodType>(
  name: string,
  summary: string,
  item: T,
  counts: (trx: Trx, tenantId: string, query: InsightsQuery) => Promise<z.infer<T>[]>,
) {
  return defineRoute({
    method: 'GET',
    path: `/v1/insights/${name}`,
    summary,
    tags,
    permission: 'sessions:read',
    query: insightsQuery,
    responses: { 200: { description: summary, schema: z.object({ items: z.array(item) }) } },
    handler: async (ctx, { query }) => ({
      body: {
        items: await withTenant(actorScope(ctx), (trx) =>
          counts(trx, actorOf(ctx).tenantId, query),
        ),
      },
    }),
  });
}

export const insightsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/insights/overview',
    summary: 'Counts across the tenant and its recent activity',
    tags,
    permission: 'sessions:read',
    responses: { 200: { description: 'The overview', schema: overviewSchema } },
    handler: async (ctx) => ({
      body: await withTenant(actorScope(ctx), (trx) => overview(trx, actorOf(ctx).tenantId)),
    }),
  }),
  countsRoute(
    'tags',
    'Message tags (topics) with counts, most used first',
    tagCountSchema,
    tagCounts,
  ),
  countsRoute(
    'files',
    'Files named in messages, most referenced first',
    fileCountSchema,
    fileCounts,
  ),
  countsRoute(
    'commands',
    'Commands run in sessions, most run first',
    commandCountSchema,
    commandCounts,
  ),
];
