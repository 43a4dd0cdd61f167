import { AppError, type Trx } from '@devctx/shared';
import { userColumns } from '../users/representation.ts';

export function findUser(trx: Trx, tenantId: string, userId: string) {
  return trx
    .selectFrom('users')
    .select([...userColumns, 'password_hash'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

export function rolesOfUser(trx: Trx, tenantId: string, userId: string) {
  return trx
    .selectFrom('user_roles as ur')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.tenant_id', '=', 'ur.tenant_id').onRef('r.id', '=', 'ur.role_id'),
    )
    .select(['r.id', 'r.name', 'r.system_key'])
    .where('ur.tenant_id', '=', tenantId)
    .where('ur.user_id', '=', userId)
    .orderBy('r.name')
    .execute();
}

/**
 * The caller's own row, held (for share) while their request writes: a request that passed
 * authentication just before its user was erased or deactivated waits for that change and
 * is then refused, instead of writing a name, an address, a password or a key back.
 */
export async function lockSelf(trx: Trx, tenantId: string, userId: string) {
  const user = await trx
    .selectFrom('users')
    .select('status')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .forShare()
    .executeTakeFirst();
  if (user?.status !== 'active')
    throw new AppError('unauthenticated', 'The credentials are invalid, expired or revoked.');
}
