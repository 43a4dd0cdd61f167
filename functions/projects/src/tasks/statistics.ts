import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { effectiveStatusOf, waitsOnIncompleteDependency } from './representation.ts';

export const statisticsSchema = z.object({
  total: z.number().int(),
  completed: z.number().int(),
  percentComplete: z.number().describe('0 to 100, one decimal.'),
  overdue: z.number().int().describe('Not completed and due before today (UTC).'),
  blocked: z.number().int().describe('Tasks whose effectiveStatus is blocked.'),
  byStatus: z
    .record(z.string(), z.number().int())
    .describe('Tasks by effectiveStatus: a task waiting on a dependency counts as blocked.'),
  byPriority: z
    .record(z.string(), z.number().int())
    .describe('"none" for tasks without a priority.'),
  byAssignee: z.array(
    z.object({
      assigneeId: z.uuid().nullable(),
      total: z.number().int(),
      completed: z.number().int(),
    }),
  ),
});

/** Counts over a project's or a task list's tasks, in one pass of SQL. */
export async function statistics(
  trx: Trx,
  tenantId: string,
  scope: { projectId: string } | { taskListId: string },
) {
  const inScope =
    'projectId' in scope
      ? sql<boolean>`t.task_list_id in (select id from task_lists where tenant_id = ${tenantId} and project_id = ${scope.projectId})`
      : sql<boolean>`t.task_list_id = ${scope.taskListId}`;
  const rows = await trx
    .selectFrom('tasks as t')
    .select((eb) => [
      't.status',
      't.priority',
      't.assignee_id',
      't.checked',
      sql<boolean>`(not t.checked and t.status <> 'cancelled' and t.due_date < (now() at time zone 'utc')::date)`.as(
        'overdue',
      ),
      waitsOnIncompleteDependency(eb).$castTo<boolean>().as('waits'),
      sql<number>`count(*)::int`.as('n'),
    ])
    .where('t.tenant_id', '=', tenantId)
    .where(inScope)
    .groupBy(sql`1, 2, 3, 4, 5, 6`)
    .execute();

  const byStatus: Record<string, number> = {
    pending: 0,
    in_progress: 0,
    completed: 0,
    blocked: 0,
    cancelled: 0,
  };
  const byPriority: Record<string, number> = { P0: 0, P1: 0, P2: 0, P3: 0, none: 0 };
  const byAssignee = new Map<string | null, { total: number; completed: number }>();
  let total = 0;
  let completed = 0;
  let overdue = 0;
  let blocked = 0;
  for (const row of rows) {
    total += row.n;
    if (row.checked) completed += row.n;
    if (row.overdue) overdue += row.n;
    // byStatus counts what each task shows as its status, so byStatus.blocked is blocked.
    const status = effectiveStatusOf({ ...row, blocked: row.waits });
    if (status === 'blocked') blocked += row.n;
    byStatus[status] = (byStatus[status] ?? 0) + row.n;
    const priority = row.priority ?? 'none';
    byPriority[priority] = (byPriority[priority] ?? 0) + row.n;
    const assignee = byAssignee.get(row.assignee_id) ?? { total: 0, completed: 0 };
    assignee.total += row.n;
    if (row.checked) assignee.completed += row.n;
    byAssignee.set(row.assignee_id, assignee);
  }
  return {
    total,
    completed,
    percentComplete: total === 0 ? 0 : Math.round((completed / total) * 1000) / 10,
    overdue,
    blocked,
    byStatus,
    byPriority,
    byAssignee: [...byAssignee].map(([assigneeId, counts]) => ({ assigneeId, ...counts })),
  };
}
