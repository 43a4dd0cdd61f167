import { type Cursor, pageQuery, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { selectTasks } from './queries.ts';
import { priorities, statuses } from './representation.ts';

export const listTasksQuery = pageQuery.extend({
  status: z
    .enum(statuses)
    .optional()
    .describe('blocked matches tasks waiting on a dependency, too.'),
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
 * The sort key of each order, as text that sorts the same way, so one keyset cursor
 * (key, id) serves them all. Missing due dates and priorities sort last.
 */
const sortKey = {
  position: sql<string>`to_char(t.position, 'FM0000000000000000000.9999999999')`,
  due: sql<string>`coalesce(t.due_date::text, '9999-12-31')`,
  priority: sql<string>`coalesce(t.priority, 'P9')`,
} as const;

export function listTasks(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  query: ListTasksQuery,
  after?: Cursor,
) {
  const key = sortKey[query.sort];
  let q = selectTasks(trx, tenantId)
    .select(key.as('sort_key'))
    .where('t.task_list_id', '=', taskListId);
  if (query.status === 'blocked') {
    q = q.where((eb) =>
      eb.or([
        eb('t.status', '=', 'blocked'),
        eb.and([
          eb('t.checked', '=', false),
          eb('t.status', '!=', 'cancelled'),
          eb.exists(
            eb
              .selectFrom('task_dependencies as d')
              .innerJoin('tasks as dt', (j) =>
                j.onRef('dt.tenant_id', '=', 'd.tenant_id').onRef('dt.id', '=', 'd.depends_on_id'),
              )
              .select(sql`1`.as('one'))
              .whereRef('d.tenant_id', '=', 't.tenant_id')
              .whereRef('d.task_id', '=', 't.id')
              .where('dt.checked', '=', false),
          ),
        ]),
      ]),
    );
  } else if (query.status) {
    q = q.where('t.status', '=', query.status);
  }
  if (query.assigneeId === 'none') q = q.where('t.assignee_id', 'is', null);
  else if (query.assigneeId) q = q.where('t.assignee_id', '=', query.assigneeId);
  if (query.priority) q = q.where('t.priority', '=', query.priority);
  if (query.label) q = q.where(sql<boolean>`${query.label} = any (t.labels)`);
  if (query.dueBefore) q = q.where('t.due_date', '<', query.dueBefore);
  if (query.dueAfter) q = q.where('t.due_date', '>', query.dueAfter);
  if (query.q) q = q.where('t.title', 'ilike', `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (after) q = q.where(sql<boolean>`(${key}, t.id) > (${after.after}, ${after.id}::uuid)`);
  return q
    .orderBy(key)
    .orderBy('t.id')
    .limit(query.limit + 1)
    .execute();
}
