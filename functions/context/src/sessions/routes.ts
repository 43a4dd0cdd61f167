import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  instantSchema,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { changeSession } from './change-session.ts';
import { sessionCommits, sessionCommitsSchema } from './commits.ts';
import { endSession } from './end-session.ts';
import { deleteSession, findSession, listSessions } from './queries.ts';
import { recordSession } from './record-session.ts';
import { sessionSchema, toSessionView } from './representation.ts';
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
      since: instantSchema().optional(),
      until: instantSchema().optional(),
    }),
    responses: {
      200: {
        description: 'A page of sessions',
        schema: z.object({ items: z.array(sessionSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listSessions(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
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
        startedAt: instantSchema().optional(),
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
      const { session, created } = await recordSession(ctx, body);
      if (!created) return { status: 200, body: toSessionView(session) };
      return {
        status: 201,
        body: toSessionView(session),
        headers: { location: `/v1/sessions/${session.id}` },
      };
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
      const row = await withTenant(actorScope(ctx), (trx) =>
        changeSession(trx, tenantId, params.id, body),
      );
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
        await deleteSession(trx, tenantId, params.id);
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
    body: z.object({ endedAt: instantSchema().optional() }),
    responses: {
      200: { description: 'The session', schema: sessionSchema },
      404: { description: 'No such session' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const row = await withTenant(actorScope(ctx), (trx) =>
        endSession(trx, tenantId, params.id, body.endedAt),
      );
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
