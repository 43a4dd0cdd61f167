import { AppError, type Cursor, type Trx } from '@devctx/shared';

export const roleColumns = [
  'id',
  'name',
  'description',
  'system_key',
  'permissions',
  'created_at',
  'updated_at',
] as const;

export function findRole(trx: Trx, tenantId: string, roleId: string) {
  return trx
    .selectFrom('roles')
    .select(roleColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .executeTakeFirst();
}

export function findSystemRole(trx: Trx, tenantId: string, key: string) {
  return trx
    .selectFrom('roles')
    .select(roleColumns)
    .where('tenant_id', '=', tenantId)
    .where('system_key', '=', key as 'owner')
    .executeTakeFirstOrThrow();
}

/**
 * Refuses a change that would leave the tenant without an active owner. The owner role's
 * row is locked first, so two concurrent demotions cannot both pass the check.
 */
export async function assertOwnerRemains(trx: Trx, tenantId: string, losingUserId: string) {
  const owner = await trx
    .selectFrom('roles')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('system_key', '=', 'owner')
    .forUpdate()
    .executeTakeFirstOrThrow();
  const others = await trx
    .selectFrom('user_roles as ur')
    .innerJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 'ur.tenant_id').onRef('u.id', '=', 'ur.user_id'),
    )
    .select('u.id')
    .where('ur.tenant_id', '=', tenantId)
    .where('ur.role_id', '=', owner.id)
    .where('u.status', '=', 'active')
    .where('u.id', '!=', losingUserId)
    .limit(1)
    .execute();
  if (others.length === 0) {
    const holds = await trx
      .selectFrom('user_roles')
      .select('user_id')
      .where('tenant_id', '=', tenantId)
      .where('role_id', '=', owner.id)
      .where('user_id', '=', losingUserId)
      .executeTakeFirst();
    if (holds)
      throw new AppError('conflict', 'This is the last owner; make someone else owner first.');
  }
}

/** The tenant's roles, system and custom, by name (unique per tenant), after the cursor's. */
export function listRoles(trx: Trx, tenantId: string, limit: number, after?: Cursor) {
  let query = trx.selectFrom('roles').select(roleColumns).where('tenant_id', '=', tenantId);
  if (after) query = query.where('name', '>', after.after);
  return query
    .orderBy('name')
    .limit(limit + 1)
    .execute();
}

export async function assertRoleNameFree(trx: Trx, tenantId: string, name: string) {
  const taken = await trx
    .selectFrom('roles')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (taken) throw new AppError('conflict', `A role named ${name} exists.`);
}

/** A custom role (system roles are made with the tenant). */
export function insertRole(
  trx: Trx,
  tenantId: string,
  role: { name: string; description: string; permissions: string[] },
) {
  return trx
    .insertInto('roles')
    .values({
      tenant_id: tenantId,
      name: role.name,
      description: role.description,
      permissions: role.permissions,
      system_key: null,
    })
    .returning(roleColumns)
    .executeTakeFirstOrThrow();
}

/** Sets what `changes` names, and nothing else. */
export function updateRole(
  trx: Trx,
  tenantId: string,
  roleId: string,
  changes: {
    name?: string | undefined;
    description?: string | undefined;
    permissions?: string[] | undefined;
  },
) {
  return trx
    .updateTable('roles')
    .set({
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
      ...(changes.permissions !== undefined ? { permissions: changes.permissions } : {}),
    })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .returning(roleColumns)
    .executeTakeFirstOrThrow();
}

/** Its holders lose it (their assignments cascade). */
export async function deleteRole(trx: Trx, tenantId: string, roleId: string) {
  await trx
    .deleteFrom('roles')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', roleId)
    .execute();
}

/** The roles a user holds, by name. */
export function rolesHeldBy(trx: Trx, tenantId: string, userId: string) {
  return trx
    .selectFrom('user_roles as ur')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.tenant_id', '=', 'ur.tenant_id').onRef('r.id', '=', 'ur.role_id'),
    )
    .select(roleColumns.map((c) => `r.${c}` as const))
    .where('ur.tenant_id', '=', tenantId)
    .where('ur.user_id', '=', userId)
    .orderBy('r.name')
    .execute();
}

/** Gives the user the role; false when they already held it. */
export async function insertUserRole(trx: Trx, tenantId: string, userId: string, roleId: string) {
  const inserted = await trx
    .insertInto('user_roles')
    .values({ tenant_id: tenantId, user_id: userId, role_id: roleId })
    .onConflict((oc) => oc.doNothing())
    .returning('role_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Takes the role from the user; false when they did not hold it. */
export async function deleteUserRole(trx: Trx, tenantId: string, userId: string, roleId: string) {
  const deleted = await trx
    .deleteFrom('user_roles')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('role_id', '=', roleId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}
