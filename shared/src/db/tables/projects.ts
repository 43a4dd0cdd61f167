import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../columns.ts';

export interface ProjectsTable {
  tenant_id: string;
  id: Generated<string>;
  slug: string;
  name: string;
  description: Generated<string>;
  status: Generated<'active' | 'archived'>;
  team_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProjectPlansTable {
  tenant_id: string;
  project_id: string;
  version: number;
  markdown: string;
  phases: ColumnType<unknown, string, never>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface TaskListsTable {
  tenant_id: string;
  id: Generated<string>;
  project_id: string;
  name: string;
  description: Generated<string>;
  import_report: ColumnType<unknown, string | null, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TaskSectionsTable {
  tenant_id: string;
  id: Generated<string>;
  task_list_id: string;
  number: string | null;
  title: string;
  level: number;
  position: number;
}

export type TaskStatus = 'pending' | 'in_progress' | 'completed' | 'blocked' | 'cancelled';
export type TaskPriority = 'P0' | 'P1' | 'P2' | 'P3';

export interface TasksTable {
  tenant_id: string;
  id: Generated<string>;
  task_list_id: string;
  section_id: string | null;
  parent_task_id: string | null;
  title: string;
  description: Generated<string>;
  status: Generated<TaskStatus>;
  checked: Generated<boolean>;
  priority: TaskPriority | null;
  assignee_id: string | null;
  due_date: ColumnType<string | null, string | null, string | null>;
  estimate_hours: ColumnType<string | null, number | null, number | null>;
  position: number;
  labels: Generated<string[]>;
  completed_at: ColumnType<Date | null, never, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TaskDependenciesTable {
  tenant_id: string;
  task_id: string;
  depends_on_id: string;
  created_at: CreatedAt;
}

export interface TaskCommentsTable {
  tenant_id: string;
  id: Generated<string>;
  task_id: string;
  author_id: string | null;
  body: string;
  created_at: CreatedAt;
}
