import { type Actor, AppError, effectivePermissions } from '@devctx/shared';

/** Nobody may hand out — or take away — a permission they do not hold themselves. */
export function assertCanGrant(actor: Actor, permissions: Iterable<string>, what: string) {
  const missing = [...permissions].filter((p) => !actor.permissions.has(p));
  if (missing.length > 0) {
    throw new AppError('forbidden', `You cannot ${what}: you lack ${missing.sort().join(', ')}.`);
  }
}

/** The permissions a role carries, whether system (from the catalogue) or custom. */
export function permissionsOfRole(role: {
  system_key: string | null;
  permissions: string[];
}): Set<string> {
  return role.system_key ? effectivePermissions([role.system_key], []) : new Set(role.permissions);
}

/** System roles come with every tenant and stay as the catalogue defines them. */
export const systemRoleImmutable = () =>
  new AppError('conflict', 'System roles cannot be changed or deleted.');
