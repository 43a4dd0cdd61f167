import { sql } from 'kysely';
import { z } from 'zod';

// The state of the list's tasks, so that the list's ETag changes whenever one of them
// does: an If-Match on a bulk change of the tasks then means "nothing changed since I read".
const tasksOfList = sql`from tasks t where t.tenant_id = task_lists.tenant_id and t.task_list_id = task_lists.id`;

export const taskListColumns = [
  'id',
  'project_id',
  'name',
  'description',
  'import_report',
  'created_at',
  'updated_at',
  sql<number>`(select count(*)::int ${tasksOfList})`.as('task_count'),
  sql<string | null>`(select max(t.updated_at)::text ${tasksOfList})`.as('tasks_changed'),
] as const;

export const taskListSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  description: z.string(),
  importReport: z.unknown().describe('What the markdown import made, and the lines it skipped.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  tasks: z
    .object({
      count: z.number().int(),
      revision: z
        .string()
        .nullable()
        .describe('Changes whenever a task of the list is added, changed or deleted.'),
    })
    .describe('The state of its tasks: the ETag of the list changes with them.'),
});

export function toTaskListView(row: {
  id: string;
  project_id: string;
  name: string;
  description: string;
  import_report: unknown;
  created_at: Date;
  updated_at: Date;
  task_count: number;
  tasks_changed: string | null;
}) {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    importReport: row.import_report,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    tasks: { count: row.task_count, revision: row.tasks_changed },
  };
}
