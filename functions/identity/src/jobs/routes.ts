import {
  AppError,
  actorOf,
  actorScope,
  afterCommit,
  decodeCursor,
  defineRoute,
  notFound,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

const tags = ['jobs'];
const jobColumns = [
  'id',
  'kind',
  'state',
  'attempts',
  'max_attempts',
  'run_after',
  'last_error',
  'result',
  'created_at',
  'updated_at',
  'finished_at',
] as const;
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
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) => {
        // The cursor keeps created_at as PostgreSQL prints it: exact to the microsecond.
        let q = trx
          .selectFrom('jobs')
          .select([...jobColumns, sql<string>`created_at::text`.as('created_key')])
          .where('tenant_id', '=', actorOf(ctx).tenantId);
        if (query.state) q = q.where('state', '=', query.state);
        if (query.kind) q = q.where('kind', '=', query.kind);
        if (after) {
          const position = sql<Date>`${after.after}::timestamptz`;
          q = q.where((eb) =>
            eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(position, after.id)),
          );
        }
        return q
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit + 1)
          .execute();
      });
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
        trx
          .selectFrom('jobs')
          .select(jobColumns)
          .where('tenant_id', '=', actorOf(ctx).tenantId)
          .where('id', '=', params.id)
          .executeTakeFirst(),
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
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), async (trx) => {
        const current = await trx
          .selectFrom('jobs')
          .select(['state', 'kind'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .forUpdate()
          .executeTakeFirst();
        if (!current) throw notFound('job');
        if (current.state !== 'dead')
          throw new AppError(
            'conflict',
            `Only dead jobs can be retried; this one is ${current.state}.`,
          );
        const updated = await trx
          .updateTable('jobs')
          .set({ state: 'pending', attempts: 0, run_after: new Date(), finished_at: null })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .returning(jobColumns)
          .executeTakeFirstOrThrow();
        await recordAudit(trx, ctx, tenantId, {
          action: 'job.retried',
          targetType: 'job',
          targetId: params.id,
          details: { kind: current.kind },
        });
        afterCommit(trx, () =>
          ctx.dispatcher.dispatch({ tenantId, id: params.id, kind: current.kind }),
        );
        return updated;
      });
      return { body: toJobView(row) };
    },
  }),
];
