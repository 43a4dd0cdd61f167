import type { Cursor, Trx } from '@devctx/shared';
import { sql } from 'kysely';

const commentColumns = ['id', 'task_id', 'author_id', 'body', 'created_at'] as const;

/**
 * A task's comments, oldest first, after the cursor's; created_key is created_at as
 * PostgreSQL prints it (to the microsecond), for the next cursor.
 */
export function listComments(
  trx: Trx,
  tenantId: string,
  taskId: string,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('task_comments')
    .select([...commentColumns, sql<string>`created_at::text`.as('created_key')])
    .where('tenant_id', '=', tenantId)
    .where('task_id', '=', taskId);
  if (after)
    query = query.where(
      sql<boolean>`(created_at, id) > (${after.after}::timestamptz, ${after.id}::uuid)`,
    );
  return query
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export function insertComment(
  trx: Trx,
  tenantId: string,
  comment: { taskId: string; authorId: string; body: string },
) {
  return trx
    .insertInto('task_comments')
    .values({
      tenant_id: tenantId,
      task_id: comment.taskId,
      author_id: comment.authorId,
      body: comment.body,
    })
    .returning(commentColumns)
    .executeTakeFirstOrThrow();
}
