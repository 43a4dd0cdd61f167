import type { SystemRoleKey } from '../db/schema.ts';
import { AppError } from '../errors/app-error.ts';
import type { Actor, WithheldReason } from '../http/route.ts';

/**
 * The closed catalogue of `resource:action` permissions (GET /v1/permissions). Routes name
 * one of these; roles and API keys hold subsets of them.
 */
export const permissionCatalogue = {
  'profile:read': 'See your own profile',
  'profile:update': 'Change your own profile and password',
  'tenant:read': 'See the tenant and its usage',
  'tenant:update': 'Rename the tenant',
  'tenant:own': 'What only owners do: make other owners (the tier is the platform operator’s)',
  'users:read': 'List and see users',
  'users:invite': 'Invite users',
  'users:update': 'Change other users’ profiles',
  'users:deactivate': 'Deactivate and reactivate users',
  'roles:read': 'See roles and who holds them',
  'roles:manage': 'Create, change and delete roles; assign and revoke them',
  'teams:read': 'See teams and their members',
  'teams:manage': 'Create, change and delete teams and their members',
  'api_keys:manage': 'Create, list and revoke your own API keys',
  'audit:read': 'Read the audit log',
  'jobs:read': 'See background jobs (imports, syncs) and why one failed',
  'jobs:manage': 'Retry background jobs that ended dead',
  'projects:read': 'See projects, plans and tasks',
  'projects:write': 'Create and change projects, plans and tasks',
  'projects:delete': 'Delete projects and task lists',
  'sessions:read': 'See AI sessions, conversations and messages',
  'sessions:write': 'Record AI sessions and messages; run imports',
  'sessions:delete': 'Delete AI sessions',
  'repositories:read': 'See repositories and commits',
  'repositories:write': 'Connect repositories, sync them and rotate webhook secrets',
  'repositories:delete': 'Disconnect repositories',
} as const;

export type Permission = keyof typeof permissionCatalogue;
export const allPermissions = Object.keys(permissionCatalogue) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(permissionCatalogue, value);
}

const readOnly = allPermissions.filter(
  (p) => p.endsWith(':read') && p !== 'audit:read',
) as Permission[];
const selfService: Permission[] = ['profile:read', 'profile:update', 'api_keys:manage'];

/** What each system role may do. Kept here, not in the database, so it grows with the code. */
export const systemRoles: Record<
  SystemRoleKey,
  { description: string; permissions: Permission[] }
> = {
  owner: { description: 'Everything', permissions: allPermissions },
  admin: {
    description: 'Everything but what only owners do',
    permissions: allPermissions.filter((p) => p !== 'tenant:own'),
  },
  member: {
    description: 'Works on projects, sessions and repositories',
    permissions: [
      ...new Set<Permission>([
        ...readOnly,
        ...selfService,
        'projects:write',
        'sessions:write',
        'repositories:write',
      ]),
    ],
  },
  viewer: {
    description: 'Reads everything but the audit log',
    permissions: [...new Set([...readOnly, ...selfService])],
  },
  auditor: {
    description: 'Reads everything, including the audit log',
    permissions: [...new Set<Permission>([...readOnly, ...selfService, 'audit:read'])],
  },
};

export const systemRoleKeys = Object.keys(systemRoles) as SystemRoleKey[];

/** A user's effective permissions: their system roles' and custom roles' together. */
export function effectivePermissions(
  systemRoleKeysHeld: readonly string[],
  customPermissions: readonly string[],
): Set<string> {
  const result = new Set<string>();
  for (const key of systemRoleKeysHeld) {
    for (const p of systemRoles[key as SystemRoleKey]?.permissions ?? []) result.add(p);
  }
  for (const p of customPermissions) if (isPermission(p)) result.add(p);
  return result;
}

/**
 * What a caller keeps while a tenant rule holds back its writes: reading, and what owners
 * do (restore the tenant, export it, change its rules); until their address is verified,
 * also looking after their own profile and keys (to verify or change it).
 */
const keptWhile: Record<WithheldReason, (permission: string) => boolean> = {
  // Owners stay owners: an admin's rule cannot take the tenant from them.
  email_unverified: (p) =>
    p.endsWith(':read') || selfService.includes(p as Permission) || p === 'tenant:own',
  tenant_deleting: (p) => p.endsWith(':read') || p === 'tenant:own',
};

export function splitWrites(
  permissions: ReadonlySet<string>,
  reason: WithheldReason,
): { kept: Set<string>; withheld: Set<string> } {
  const kept = new Set<string>();
  const withheld = new Set<string>();
  for (const p of permissions) (keptWhile[reason](p) ? kept : withheld).add(p);
  return { kept, withheld };
}

const withheldDetail: Record<WithheldReason, string> = {
  email_unverified:
    'Open the link mailed to your address (POST /v1/me/email-verification sends a new one); until then you may read.',
  tenant_deleting:
    'An owner scheduled this tenant for deletion; until an owner restores it (POST /v1/tenant/restore) you may read and export.',
};

/** Refuses a caller without `permission`, saying why when a tenant rule holds it back. */
export function requirePermission(actor: Actor | undefined, permission: string): void {
  if (actor?.permissions.has(permission)) return;
  const withheld = actor?.withheld;
  if (withheld?.permissions.has(permission))
    throw new AppError(withheld.reason, withheldDetail[withheld.reason]);
  throw new AppError('forbidden', `This needs the ${permission} permission.`);
}
