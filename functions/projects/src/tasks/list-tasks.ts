import {
  type Cursor,
  type CursorShape,
  containsPattern,
  decodeCursor,
  pageQuery,
  type Trx,
} from '@devctx/shared';
import { type RawBuilder, sql } from 'kysely';
import { z } from 'zod';
import { selectTasks } from './queries.ts';
import { isBlocked, priorities, statuses } from './representation.ts';

export const listTasksQuery = pageQuery.extend({
  status: z
    .enum(statuses)
    .optional()
    .describe('Tasks whose effectiveStatus is this (so stats.byStatus counts the same tasks).'),
  assigneeId: z
    .union([z.uuid(), z.literal('none')])
    .optional()
    .describe('A user id, or "none" for unassigned.'),
  priority: z.enum(priorities).optional(),
  label: z.string().max(100).optional(),
  dueBefore: z.iso.date().optional(),
  dueAfter: z.iso.date().optional(),
  q: z.string().trim().min(1).max(200).optional().describe('Text in the title.'),
  sort: z.enum(['position', 'due', 'priority']).default('position'),
});
export type ListTasksQuery = z.infer<typeof listTasksQuery>;

/**
 * Each order's key, and how a cursor's text turns back into it, so one keyset cursor
 * (key, id) serves them all. Position (the default) walks the list's index; missing due
 * dates and priorities sort last.
 */
const orders: Record<
  ListTasksQuery['sort'],
  {
    key: RawBuilder<unknown>;
    cursor: (value: string) => RawBuilder<unknown>;
    /** The shape of this order's cursors. */
    shape: CursorShape;
  }
> = {
  position: {
    key: sql`t.position`,
    cursor: (v) => sql`${v}::float8`,
    shape: { after: 'number' },
  },
  due: {
    key: sql`coalesce(t.due_date, '9999-12-31'::date)`,
    cursor: (v) => sql`${v}::date`,
    shape: { after: 'date' },
  },
  priority: {
    key: sql`coalesce(t.priority, 'P9')`,
    cursor: (v) => sql`${v}::text`,
    shape: { after: 'text' },
  },
};

/** A cursor of this order, parsed with its shape (a forged one is a 400). */
export const taskCursor = (query: ListTasksQuery) =>
  decodeCursor(query.cursor, orders[query.sort].shape);

/** The query, unexecuted (the benchmark compiles it to compare with bare pg). */
export function listTasksQueryBuilder(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  query: ListTasksQuery,
  after?: Cursor,
) {
  const order = orders[query.sort];
  let q = selectTasks(trx, tenantId)
    .select(sql<string>`${order.key}::text`.as('sort_key'))
    .where('t.task_list_id', '=', taskListId);
  // By effective status: a pending task waiting on a dependency is blocked, not pending.
  const status = query.status;
  if (status === 'blocked') q = q.where((eb) => isBlocked(eb));
  else if (status)
    q = q.where((eb) => eb.and([eb('t.status', '=', status), eb.not(isBlocked(eb))]));
  if (query.assigneeId === 'none') q = q.where('t.assignee_id', 'is', null);
  else if (query.assigneeId) q = q.where('t.assignee_id', '=', query.assigneeId);
  if (query.priority) q = q.where('t.priority', '=', query.priority);
  if (query.label) q = q.where(sql<boolean>`${query.label} = any (t.labels)`);
  if (query.dueBefore) q = q.where('t.due_date', '<', query.dueBefore);
  if (query.dueAfter) q = q.where('t.due_date', '>', query.dueAfter);
  if (query.q) q = q.where('t.title', 'ilike', containsPattern(query.q));
  if (after)
    q = q.where(
      sql<boolean>`(${order.key}, t.id) > (${order.cursor(after.after)}, ${after.id}::uuid)`,
    );
  return q
    .orderBy(order.key)
    .orderBy('t.id')
    .limit(query.limit + 1);
}

export function listTasks(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  query: ListTasksQuery,
  after?: Cursor,
) {
  return listTasksQueryBuilder(trx, tenantId, taskListId, query, after).execute();
}
