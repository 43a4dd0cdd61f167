import { z } from 'zod';
import { permissionsOfRole } from './guard-grants.ts';

export const roleSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  system: z.boolean().describe('System roles come with every tenant and cannot be changed.'),
  permissions: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export function toRoleView(row: {
  id: string;
  name: string;
  description: string;
  system_key: string | null;
  permissions: string[];
  created_at: Date;
  updated_at: Date;
}): z.infer<typeof roleSchema> {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    system: row.system_key !== null,
    permissions: [...permissionsOfRole(row)].sort(),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
