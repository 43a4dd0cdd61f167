import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { requireTask } from '../tasks/queries.ts';

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
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await requireTask(trx, tenantId, params.id);
        let q = trx
          .selectFrom('task_comments')
          .select([
            'id',
            'task_id',
            'author_id',
            'body',
            'created_at',
            sql<string>`created_at::text`.as('created_key'),
          ])
          .where('tenant_id', '=', tenantId)
          .where('task_id', '=', params.id);
        if (after)
          q = q.where(
            sql<boolean>`(created_at, id) > (${after.after}::timestamptz, ${after.id}::uuid)`,
          );
        return q
          .orderBy('created_at')
          .orderBy('id')
          .limit(query.limit + 1)
          .execute();
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
        return trx
          .insertInto('task_comments')
          .values({
            tenant_id: actor.tenantId,
            task_id: params.id,
            author_id: actor.userId,
            body: body.body,
          })
          .returning(['id', 'task_id', 'author_id', 'body', 'created_at'])
          .executeTakeFirstOrThrow();
      });
      return { status: 201, body: toCommentView(comment) };
    },
  }),
];
