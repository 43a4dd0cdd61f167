import { z } from 'zod';

export const projectColumns = [
  'id',
  'slug',
  'name',
  'description',
  'status',
  'team_id',
  'created_by',
  'created_at',
  'updated_at',
] as const;

export const projectSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(['active', 'archived']),
  teamId: z.uuid().nullable(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export function toProjectView(row: {
  id: string;
  slug: string;
  name: string;
  description: string;
  status: 'active' | 'archived';
  team_id: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}): z.infer<typeof projectSchema> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    status: row.status,
    teamId: row.team_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
