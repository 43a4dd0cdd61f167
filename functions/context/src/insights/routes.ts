import { actorOf, actorScope, defineRoute, withTenant } from '@devctx/shared';
import { z } from 'zod';
import {
  commandCountSchema,
  commandCounts,
  fileCountSchema,
  fileCounts,
  insightsQuery,
  overview,
  overviewSchema,
  tagCountSchema,
  tagCounts,
} from './queries.ts';

// The tenant-wide views of v1's dashboard (topics, files, commands) and its overview
// counts, computed from messages, tasks and commits when asked.
const tags = ['insights'];
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

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
  defineRoute({
    method: 'GET',
    path: '/v1/insights/tags',
    summary: 'Message tags (topics) with counts, most used first',
    tags,
    permission: 'sessions:read',
    query: insightsQuery,
    responses: { 200: { description: 'Tags', schema: list(tagCountSchema) } },
    handler: async (ctx, { query }) => ({
      body: {
        items: await withTenant(actorScope(ctx), (trx) =>
          tagCounts(trx, actorOf(ctx).tenantId, query),
        ),
      },
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/insights/files',
    summary: 'Files named in messages, most referenced first',
    tags,
    permission: 'sessions:read',
    query: insightsQuery,
    responses: { 200: { description: 'Files', schema: list(fileCountSchema) } },
    handler: async (ctx, { query }) => ({
      body: {
        items: await withTenant(actorScope(ctx), (trx) =>
          fileCounts(trx, actorOf(ctx).tenantId, query),
        ),
      },
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/insights/commands',
    summary: 'Commands run in sessions, most run first',
    tags,
    permission: 'sessions:read',
    query: insightsQuery,
    responses: { 200: { description: 'Commands', schema: list(commandCountSchema) } },
    handler: async (ctx, { query }) => ({
      body: {
        items: await withTenant(actorScope(ctx), (trx) =>
          commandCounts(trx, actorOf(ctx).tenantId, query),
        ),
      },
    }),
  }),
];
