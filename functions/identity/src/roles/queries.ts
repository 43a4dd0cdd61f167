import { AppError, type Trx } from '@devctx/shared';

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
