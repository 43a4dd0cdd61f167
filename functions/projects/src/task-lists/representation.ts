import { z } from 'zod';

export const taskListColumns = [
  'id',
  'project_id',
  'name',
  'description',
  'import_report',
  'created_at',
  'updated_at',
] as const;

export const taskListSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  description: z.string(),
  importReport: z.unknown().describe('What the markdown import made, and the lines it skipped.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export function toTaskListView(row: {
  id: string;
  project_id: string;
  name: string;
  description: string;
  import_report: unknown;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    importReport: row.import_report,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
