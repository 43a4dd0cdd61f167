import type { Trx } from '@devctx/shared';
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
