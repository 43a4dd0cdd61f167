import { type Cursor, containsPattern, notFound, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
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

/** Changes a user's name; undefined when there is no such user. */
export function renameUser(trx: Trx, tenantId: string, userId: string, name: string) {
  return trx
    .updateTable('users')
    .set({ name })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .returning(userColumns)
    .executeTakeFirst();
}

/** 404 unless the tenant has this user (in any status). */
export async function assertUserExists(trx: Trx, tenantId: string, userId: string) {
  const user = await trx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
}

/** The user, locked for a status change, or undefined. */
export function lockUser(trx: Trx, tenantId: string, userId: string) {
  return trx
    .selectFrom('users')
    .select(['id', 'status', sql<boolean>`erased_at is not null`.as('erased')])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

/** The status; a trigger keeps the tier's seat count (quota_exceeded past it). */
export async function setUserStatus(
  trx: Trx,
  tenantId: string,
  userId: string,
  status: 'active' | 'deactivated',
) {
  await trx
    .updateTable('users')
    .set({ status })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .execute();
}

export async function revokeApiKeysOf(trx: Trx, tenantId: string, userId: string) {
  await trx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
}
