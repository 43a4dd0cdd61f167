import {
  actorOf,
  actorScope,
  assertReferenceExists,
  changedColumns,
  decodeCursor,
  defineRoute,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { sessionCommits, sessionCommitsSchema } from './commits.ts';
import { findSession } from './queries.ts';
import { sessionColumns, sessionSchema, toSessionView } from './representation.ts';
import { sessionStatistics, sessionStatisticsSchema } from './statistics.ts';

const tags = ['sessions'];
const idParams = z.object({ id: z.uuid() });
const fields = {
  model: z.string().max(200).nullable(),
  projectId: z.uuid().nullable(),
  repositoryId: z.uuid().nullable(),
  gitBranch: z.string().max(500).nullable(),
  workingDir: z.string().max(2000).nullable(),
  title: z.string().max(500).nullable(),
};
const columnOf = {
  model: 'model',
  projectId: 'project_id',
  repositoryId: 'repository_id',
  gitBranch: 'git_branch',
  workingDir: 'working_dir',
  title: 'title',
} as const;
const toColumns = (body: Partial<Record<keyof typeof fields, unknown>>) =>
  changedColumns(body, columnOf);

export const sessionRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/sessions',
    summary: 'AI sessions, newest first, with filters',
    tags,
    permission: 'sessions:read',
    query: pageQuery.extend({
      projectId: z.uuid().optional(),
      repositoryId: z.uuid().optional(),
      userId: z.uuid().optional(),
      tool: z.string().max(100).optional(),
      since: z.iso.datetime().optional(),
      until: z.iso.datetime().optional(),
    }),
    responses: {
      200: {
        description: 'A page of sessions',
        schema: z.object({ items: z.array(sessionSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) => {
        let q = trx
          .selectFrom('ai_sessions')
          .select([...sessionColumns, sql<string>`started_at::text`.as('started_key')])
          .where('tenant_id', '=', actorOf(ctx).tenantId);
        if (query.projectId) q = q.where('project_id', '=', query.projectId);
        if (query.repositoryId) q = q.where('repository_id', '=', query.repositoryId);
        if (query.userId) q = q.where('user_id', '=', query.userId);
        if (query.tool) q = q.where('tool', '=', query.tool);
        if (query.since) q = q.where('started_at', '>=', new Date(query.since));
        if (query.until) q = q.where('started_at', '<', new Date(query.until));
        if (after)
          q = q.where(
            sql<boolean>`(started_at, id) < (${after.after}::timestamptz, ${after.id}::uuid)`,
          );
        return q
          .orderBy('started_at', 'desc')
          .orderBy('id', 'desc')
          .limit(query.limit + 1)
          .execute();
      });
      return {
        body: toPage(rows, query.limit, (s) => ({ after: s.started_key, id: s.id }), toSessionView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions',
    summary: 'Record an AI session; the same tool session (externalId) is recorded once',
    tags,
    permission: 'sessions:write',
    body: z
      .object(fields)
      .partial()
      .extend({
        tool: z.string().trim().min(1).max(100),
        externalId: z.string().min(1).max(500).optional(),
        startedAt: z.iso.datetime().optional(),
      })
      .meta({
        examples: [
          { tool: 'claude-code', externalId: '5f1c…', gitBranch: 'main', workingDir: '/work/app' },
        ],
      }),
    responses: {
      201: { description: 'Recorded', schema: sessionSchema },
      200: { description: 'Already recorded (same tool and externalId)', schema: sessionSchema },
    },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const { tool, externalId, startedAt, ...rest } = body;
      return withTenant(actorScope(ctx), async (trx) => {
        await assertReferenceExists(trx, actor.tenantId, 'projects', body.projectId);
        await assertReferenceExists(trx, actor.tenantId, 'repositories', body.repositoryId);
        const inserted = await trx
          .insertInto('ai_sessions')
          .values({
            tenant_id: actor.tenantId,
            tool,
            external_id: externalId ?? null,
            user_id: actor.userId,
            ended_at: null,
            ...(startedAt ? { started_at: new Date(startedAt) } : {}),
            ...toColumns(rest),
          } as never)
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'tool', 'external_id'])
              .where('external_id', 'is not', null)
              .doNothing(),
          )
          .returning(sessionColumns)
          .executeTakeFirst();
        if (inserted)
          return {
            status: 201,
            body: toSessionView(inserted),
            headers: { location: `/v1/sessions/${inserted.id}` },
          };
        const existing = await trx
          .selectFrom('ai_sessions')
          .select(sessionColumns)
          .where('tenant_id', '=', actor.tenantId)
          .where('tool', '=', tool)
          .where('external_id', '=', externalId as string)
          .executeTakeFirstOrThrow();
        return { status: 200, body: toSessionView(existing) };
      });
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sessions/{id}',
    summary: 'An AI session',
    tags,
    permission: 'sessions:read',
    params: idParams,
    responses: {
      200: { description: 'The session', schema: sessionSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params }) => ({
      body: toSessionView(
        await withTenant(actorScope(ctx), (trx) =>
          findSession(trx, actorOf(ctx).tenantId, params.id),
        ),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/sessions/{id}',
    summary: 'Change a session’s title, project, branch or model',
    tags,
    permission: 'sessions:write',
    params: idParams,
    body: z.object(fields).partial(),
    responses: {
      200: { description: 'The session', schema: sessionSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findSession(trx, tenantId, params.id);
        await assertReferenceExists(trx, tenantId, 'projects', body.projectId);
        await assertReferenceExists(trx, tenantId, 'repositories', body.repositoryId);
        await trx
          .updateTable('ai_sessions')
          .set(toColumns(body) as never)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
        return findSession(trx, tenantId, params.id);
      });
      return { body: toSessionView(row) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/sessions/{id}',
    summary: 'Delete a session with its conversations and messages (stored bodies stay shared)',
    tags,
    permission: 'sessions:delete',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such session' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        await findSession(trx, tenantId, params.id);
        await trx
          .deleteFrom('ai_sessions')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/sessions/{id}/end',
    summary: 'End a session (now, or at the given time); ending again changes nothing',
    tags,
    permission: 'sessions:write',
    params: idParams,
    body: z.object({ endedAt: z.iso.datetime().optional() }),
    responses: {
      200: { description: 'The session', schema: sessionSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), async (trx) => {
        const session = await findSession(trx, tenantId, params.id);
        if (!session.ended_at) {
          const endedAt = body.endedAt ? new Date(body.endedAt) : new Date();
          await trx
            .updateTable('ai_sessions')
            .set({ ended_at: new Date(Math.max(endedAt.getTime(), session.started_at.getTime())) })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', params.id)
            .execute();
        }
        return findSession(trx, tenantId, params.id);
      });
      return { body: toSessionView(row) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sessions/{id}/stats',
    summary: 'A session’s statistics: messages by role, tokens, files, commands, duration',
    tags,
    permission: 'sessions:read',
    params: idParams,
    responses: {
      200: { description: 'Statistics', schema: sessionStatisticsSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      return {
        body: await withTenant(actorScope(ctx), async (trx) =>
          sessionStatistics(trx, tenantId, await findSession(trx, tenantId, params.id)),
        ),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/sessions/{id}/commits',
    summary: 'The commits made during a session in its repository, and the tasks they touched',
    tags,
    permission: 'sessions:read',
    params: idParams,
    responses: {
      200: { description: 'Commits in the session’s time window', schema: sessionCommitsSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      return {
        body: await withTenant(actorScope(ctx), async (trx) =>
          sessionCommits(trx, tenantId, await findSession(trx, tenantId, params.id)),
        ),
      };
    },
  }),
];
