import { changedColumns, type Database } from '@devctx/shared';
import { type ExpressionBuilder, sql } from 'kysely';
import { z } from 'zod';

/**
 * Order in a list. Bounded, so appends (the last position + 1024) always land after it and
 * stay distinct: at 1e308 adding 1024 changes nothing.
 */
export const taskPosition = z
  .number()
  .min(-1e15)
  .max(1e15)
  .describe('Order in the list (±1e15); between two neighbours to move there.');

export const statuses = ['pending', 'in_progress', 'completed', 'blocked', 'cancelled'] as const;
export const priorities = ['P0', 'P1', 'P2', 'P3'] as const;

export const taskSchema = z.object({
  id: z.uuid(),
  taskListId: z.uuid(),
  sectionId: z.uuid().nullable(),
  parentTaskId: z.uuid().nullable(),
  title: z.string(),
  description: z.string(),
  status: z.enum(statuses),
  blocked: z
    .boolean()
    .describe(
      'It depends on a task still to do (a cancelled one does not count); see effectiveStatus for whether that blocks it.',
    ),
  effectiveStatus: z
    .enum(statuses)
    .describe(
      'status, but blocked while an unfinished task waits on an unchecked dependency (the one meaning of blocked in every view).',
    ),
  checked: z.boolean(),
  priority: z.enum(priorities).nullable(),
  assigneeId: z.uuid().nullable(),
  dueDate: z.iso.date().nullable(),
  estimateHours: z.number().nullable(),
  position: z.number(),
  labels: z.array(z.string()),
  completedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TaskView = z.infer<typeof taskSchema>;

/** The fields a client writes, as POST and PATCH take them. */
export const taskFields = {
  title: z.string().trim().min(1).max(1000),
  description: z.string().max(20000),
  status: z.enum(statuses),
  priority: z.enum(priorities).nullable(),
  assigneeId: z.uuid().nullable(),
  dueDate: z.iso.date().nullable(),
  estimateHours: z.number().min(0).max(100000).nullable(),
  sectionId: z.uuid().nullable(),
  parentTaskId: z.uuid().nullable(),
  position: taskPosition,
  labels: z.array(z.string().trim().min(1).max(100)).max(50),
};
export type TaskFields = Partial<{
  [K in keyof typeof taskFields]: z.infer<(typeof taskFields)[K]>;
}>;

/** API field names and the task columns they set. */
const columnOf = {
  title: 'title',
  description: 'description',
  status: 'status',
  priority: 'priority',
  assigneeId: 'assignee_id',
  dueDate: 'due_date',
  estimateHours: 'estimate_hours',
  sectionId: 'section_id',
  parentTaskId: 'parent_task_id',
  position: 'position',
  labels: 'labels',
} as const;

/** The task columns a body sets: each field given, under its column name. */
export const taskFieldColumns = (body: TaskFields) => changedColumns(body, columnOf);

export const taskColumns = [
  't.id',
  't.task_list_id',
  't.section_id',
  't.parent_task_id',
  't.title',
  't.description',
  't.status',
  't.checked',
  't.priority',
  't.assignee_id',
  't.due_date',
  't.estimate_hours',
  't.position',
  't.labels',
  't.completed_at',
  't.created_at',
  't.updated_at',
] as const;

type TasksScope = ExpressionBuilder<Database & { t: Database['tasks'] }, 't'>;

/** Whether task t waits on a dependency that is still to do (not checked, completed or cancelled). */
export function waitsOnIncompleteDependency(eb: TasksScope) {
  return eb.exists(
    eb
      .selectFrom('task_dependencies as d')
      .innerJoin('tasks as dt', (j) =>
        j.onRef('dt.tenant_id', '=', 'd.tenant_id').onRef('dt.id', '=', 'd.depends_on_id'),
      )
      .select(sql`1`.as('one'))
      .whereRef('d.tenant_id', '=', 't.tenant_id')
      .whereRef('d.task_id', '=', 't.id')
      .where('dt.checked', '=', false)
      .where('dt.status', 'not in', ['completed', 'cancelled']),
  );
}

/** A task waits while any task it depends on is still to do (the `blocked` field). */
export function blockedExpression(eb: TasksScope) {
  return waitsOnIncompleteDependency(eb).$castTo<boolean>().as('blocked');
}

/**
 * The one meaning of "blocked" (effectiveStatus, ?status=blocked, stats.blocked and
 * byStatus.blocked all use it): marked blocked by hand, or not finished (neither checked,
 * completed nor cancelled) and waiting on an unchecked dependency.
 */
export function isBlocked(eb: TasksScope) {
  return eb.or([
    eb('t.status', '=', 'blocked'),
    eb.and([
      eb('t.checked', '=', false),
      eb('t.status', 'not in', ['completed', 'cancelled']),
      waitsOnIncompleteDependency(eb),
    ]),
  ]);
}

/** A task's status as every view reports it: `blocked` per isBlocked, else its own. */
export function effectiveStatusOf(row: {
  status: (typeof statuses)[number];
  checked: boolean;
  blocked: boolean;
}) {
  const finished = row.checked || row.status === 'completed' || row.status === 'cancelled';
  return row.status === 'blocked' || (row.blocked && !finished) ? 'blocked' : row.status;
}

type TaskRow = {
  id: string;
  task_list_id: string;
  section_id: string | null;
  parent_task_id: string | null;
  title: string;
  description: string;
  status: (typeof statuses)[number];
  checked: boolean;
  priority: (typeof priorities)[number] | null;
  assignee_id: string | null;
  due_date: string | null;
  estimate_hours: string | null;
  position: number;
  labels: string[];
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  blocked: boolean;
};

export function toTaskView(row: TaskRow): TaskView {
  return {
    id: row.id,
    taskListId: row.task_list_id,
    sectionId: row.section_id,
    parentTaskId: row.parent_task_id,
    title: row.title,
    description: row.description,
    status: row.status,
    blocked: row.blocked,
    effectiveStatus: effectiveStatusOf(row),
    checked: row.checked,
    priority: row.priority,
    assigneeId: row.assignee_id,
    dueDate: row.due_date,
    estimateHours: row.estimate_hours === null ? null : Number(row.estimate_hours),
    position: row.position,
    labels: row.labels,
    completedAt: row.completed_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
