import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { requireTask } from '../tasks/queries.ts';
import { insertComment, listComments } from './queries.ts';

const commentSchema = z.object({
  id: z.uuid(),
  taskId: z.uuid(),
  authorId: z.uuid().nullable(),
  body: z.string(),
  createdAt: z.iso.datetime(),
});
type CommentRow = {
  id: string;
  task_id: string;
  author_id: string | null;
  body: string;
  created_at: Date;
};
const toCommentView = (c: CommentRow) => ({
  id: c.id,
  taskId: c.task_id,
  authorId: c.author_id,
  body: c.body,
  createdAt: c.created_at.toISOString(),
});
const idParams = z.object({ id: z.uuid() });

export const commentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tasks/{id}/comments',
    summary: 'Comments on a task, oldest first',
    tags: ['tasks'],
    permission: 'projects:read',
    params: idParams,
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of comments',
        schema: z.object({ items: z.array(commentSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await requireTask(trx, tenantId, params.id);
        return listComments(trx, tenantId, params.id, query.limit, after);
      });
      return {
        body: toPage(rows, query.limit, (c) => ({ after: c.created_key, id: c.id }), toCommentView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tasks/{id}/comments',
    summary: 'Comment on a task',
    tags: ['tasks'],
    permission: 'projects:write',
    params: idParams,
    body: z.object({ body: z.string().trim().min(1).max(20000) }),
    responses: {
      201: { description: 'Created', schema: commentSchema },
      404: { description: 'No such task' },
    },
    handler: async (ctx, { params, body }) => {
      const actor = actorOf(ctx);
      const comment = await withTenant(actorScope(ctx), async (trx) => {
        await requireTask(trx, actor.tenantId, params.id);
        return insertComment(trx, actor.tenantId, {
          taskId: params.id,
          authorId: actor.userId,
          body: body.body,
        });
      });
      return { status: 201, body: toCommentView(comment) };
    },
  }),
];
