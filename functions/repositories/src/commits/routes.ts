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
import { findRepository } from '../repositories/queries.ts';
import { commitsWithShaPrefix, listCommits, tasksOfCommit } from './queries.ts';
import { commitSchema, toCommitView } from './representation.ts';

const tags = ['commits'];

export const commitRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/repositories/{id}/commits',
    summary: 'A repository’s commits, newest first',
    tags,
    permission: 'repositories:read',
    params: z.object({ id: z.uuid() }),
    query: pageQuery.extend({
      branch: z.string().max(255).optional(),
      author: z.string().max(500).optional().describe('Author e-mail, exactly.'),
      type: z.string().max(50).optional().describe('Conventional-commit type, e.g. fix.'),
      since: z.iso.datetime({ offset: true }).optional(),
      until: z.iso.datetime({ offset: true }).optional(),
    }),
    responses: {
      200: {
        description: 'A page of commits',
        schema: z.object({ items: z.array(commitSchema), nextCursor: z.string().nullable() }),
      },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor, { after: 'instant', id: 'sha' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, tenantId, params.id);
        return listCommits(trx, tenantId, params.id, query, query.limit, after);
      });
      return {
        body: toPage(rows, query.limit, (c) => newestFirstPosition(c, c.sha), toCommitView),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/repositories/{id}/commits/{sha}',
    summary: 'A commit, with the tasks it references',
    tags,
    permission: 'repositories:read',
    params: z.object({
      id: z.uuid(),
      sha: z.string().regex(/^[0-9a-fA-F]{7,64}$/, 'a full or abbreviated (7+) hex sha'),
    }),
    responses: {
      200: {
        description: 'The commit',
        schema: commitSchema.extend({
          tasks: z.array(z.object({ taskId: z.uuid(), title: z.string(), closes: z.boolean() })),
        }),
      },
      404: { description: 'No such repository or commit (or the abbreviation is ambiguous)' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const sha = params.sha.toLowerCase();
      return withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, tenantId, params.id);
        const matches = await commitsWithShaPrefix(trx, tenantId, params.id, sha);
        const commit = matches.length === 1 ? matches[0] : undefined;
        if (!commit) throw notFound('commit');
        const tasks = await tasksOfCommit(trx, tenantId, params.id, commit.sha);
        return {
          body: {
            ...toCommitView(commit),
            tasks: tasks.map((t) => ({ taskId: t.task_id, title: t.title, closes: t.closes })),
          },
        };
      });
    },
  }),
];
