import { z } from 'zod';

export const slugSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'Use lowercase letters, digits and inner hyphens.',
  )
  .describe('Lowercase letters, digits and inner hyphens; used to sign in.');

export const tenantSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  name: z.string(),
  tier: z.enum(['free', 'pro', 'enterprise']),
  status: z.enum(['active', 'suspended']),
  requireVerifiedEmail: z
    .boolean()
    .describe('Members whose address is not verified may only read until they verify it.'),
  deletionDueAt: z.iso
    .datetime()
    .nullable()
    .describe(
      'When the tenant and all its data are deleted (scheduled by an owner; read-only until then, and restorable).',
    ),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type TenantView = z.infer<typeof tenantSchema>;

export const tenantColumns = [
  'id',
  'slug',
  'name',
  'tier',
  'status',
  'require_verified_email',
  'deletion_due_at',
  'created_at',
  'updated_at',
] as const;

export function toTenantView(row: {
  id: string;
  slug: string;
  name: string;
  tier: TenantView['tier'];
  status: TenantView['status'];
  require_verified_email: boolean;
  deletion_due_at: Date | null;
  created_at: Date;
  updated_at: Date;
}): TenantView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    tier: row.tier,
    status: row.status,
    requireVerifiedEmail: row.require_verified_email,
    deletionDueAt: row.deletion_due_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
