import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  notFound,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findJob, listJobs } from './queries.ts';
import { retryJob } from './retry-job.ts';

const tags = ['jobs'];
const states = ['pending', 'dispatched', 'running', 'succeeded', 'dead'] as const;
const jobSchema = z.object({
  id: z.uuid(),
  kind: z.string(),
  state: z.enum(states),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable().describe('When it runs next, while unfinished.'),
  lastError: z.string().nullable(),
  result: z.unknown(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

type JobRow = {
  id: string;
  kind: string;
  state: (typeof states)[number];
  attempts: number;
  max_attempts: number;
  run_after: Date;
  last_error: string | null;
  result: unknown;
  created_at: Date;
  finished_at: Date | null;
};

function toJobView(row: JobRow): z.infer<typeof jobSchema> {
  const finished = row.state === 'succeeded' || row.state === 'dead';
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    nextAttemptAt: finished ? null : row.run_after.toISOString(),
    lastError: row.last_error,
    result: row.result,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

const idParams = z.object({ id: z.uuid() });

/** Background jobs of the tenant, for the people who run it: what ran, what died and why. */
export const jobRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/jobs',
    summary: 'Background jobs, newest first; ?state=dead for the ones that need a look',
    tags,
    permission: 'jobs:read',
    query: pageQuery.extend({
      state: z.enum(states).optional(),
      kind: z.string().max(100).optional(),
    }),
    responses: {
      200: {
        description: 'A page of jobs',
        schema: z.object({ items: z.array(jobSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listJobs(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
      return {
        body: toPage(rows, query.limit, (j) => ({ after: j.created_key, id: j.id }), toJobView),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/jobs/{id}',
    summary: 'One background job',
    tags,
    permission: 'jobs:read',
    params: idParams,
    responses: {
      200: { description: 'The job', schema: jobSchema },
      404: { description: 'No such job' },
    },
    handler: async (ctx, { params }) => {
      const row = await withTenant(actorScope(ctx), (trx) =>
        findJob(trx, actorOf(ctx).tenantId, params.id),
      );
      if (!row) throw notFound('job');
      return { body: toJobView(row) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/jobs/{id}/retry',
    summary: 'Run a dead job again, with a fresh set of attempts',
    tags,
    permission: 'jobs:manage',
    params: idParams,
    responses: {
      200: { description: 'Queued again', schema: jobSchema },
      404: { description: 'No such job' },
      409: { description: 'The job is not dead' },
    },
    handler: async (ctx, { params }) => {
      const row = await retryJob(ctx, params.id);
      return { body: toJobView(row) };
    },
  }),
];
