import type { Cursor, Trx } from '@devctx/shared';

/** Every column a client may see: never the secret's hash. */
export const apiKeyColumns = [
  'id',
  'name',
  'prefix',
  'permissions',
  'expires_at',
  'last_used_at',
  'revoked_at',
  'created_at',
] as const;

/** A user's own keys by name (then id), after the cursor's. */
export function listApiKeys(
  trx: Trx,
  tenantId: string,
  userId: string,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('api_keys')
    .select(apiKeyColumns)
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId);
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('name', 'id'), '>', eb.tuple(after.after, after.id)),
    );
  return query
    .orderBy('name')
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

export function insertApiKey(
  trx: Trx,
  tenantId: string,
  key: {
    userId: string;
    name: string;
    prefix: string;
    secretHash: Buffer;
    permissions: string[];
    expiresAt: Date | null;
  },
) {
  return trx
    .insertInto('api_keys')
    .values({
      tenant_id: tenantId,
      user_id: key.userId,
      name: key.name,
      prefix: key.prefix,
      secret_hash: key.secretHash,
      permissions: key.permissions,
      expires_at: key.expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .returning(apiKeyColumns)
    .executeTakeFirstOrThrow();
}

/** Revokes one of the user's live keys; undefined when there is none by that id. */
export function revokeApiKey(trx: Trx, tenantId: string, userId: string, keyId: string) {
  return trx
    .updateTable('api_keys')
    .set({ revoked_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'name'])
    .executeTakeFirst();
}
