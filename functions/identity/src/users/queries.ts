import type { Cursor, Trx } from '@devctx/shared';
import { containsPattern } from '@devctx/shared';
import { userColumns } from './representation.ts';

export function findUserById(trx: Trx, tenantId: string, userId: string) {
  return trx
    .selectFrom('users')
    .select(userColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

export interface UserFilter {
  q?: string | undefined;
  status?: 'invited' | 'active' | 'deactivated' | undefined;
}

/** Users by email (unique per tenant, so the keyset is exact), optionally searched. */
export function listUsers(
  trx: Trx,
  tenantId: string,
  filter: UserFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx.selectFrom('users').select(userColumns).where('tenant_id', '=', tenantId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) =>
      eb.or([eb('email', 'ilike', pattern), eb('name', 'ilike', pattern)]),
    );
  }
  if (filter.status) query = query.where('status', '=', filter.status);
  if (after) query = query.where('email', '>', after.after);
  return query
    .orderBy('email')
    .limit(limit + 1)
    .execute();
}
