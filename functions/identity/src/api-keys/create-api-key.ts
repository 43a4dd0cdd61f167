import {
  AppError,
  actorOf,
  actorScope,
  createOpaqueToken,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { lockSelf } from '../me/queries.ts';
import { assertCanGrant } from '../roles/guard-grants.ts';
import { insertApiKey } from './queries.ts';

/**
 * A machine key of the calling user, holding a subset of their permissions, optionally
 * expiring. Only a user (not another key) may make one. The secret is returned here, once;
 * only its hash is stored.
 */
export async function createApiKey(
  ctx: RequestContext,
  input: { name: string; permissions: string[]; expiresAt?: string | undefined },
) {
  const actor = actorOf(ctx);
  if (actor.kind === 'api_key')
    throw new AppError('forbidden', 'API keys cannot create API keys; sign in as a user.');
  assertCanGrant(actor, input.permissions, 'create this key');
  const expiresAt = input.expiresAt ? new Date(input.expiresAt) : null;
  if (expiresAt && expiresAt <= new Date()) {
    throw new AppError('validation_failed', 'expiresAt must be in the future.', {
      fieldErrors: [{ path: 'body.expiresAt', message: 'in the past' }],
    });
  }
  const key = createOpaqueToken('dck', actor.tenantId);
  const apiKey = await withTenant(actorScope(ctx), async (trx) => {
    await lockSelf(trx, actor.tenantId, actor.userId);
    const created = await insertApiKey(trx, actor.tenantId, {
      userId: actor.userId,
      name: input.name,
      prefix: `dck_…${key.secret.slice(0, 8)}`,
      secretHash: key.hash,
      permissions: input.permissions,
      expiresAt,
    });
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'api_key.created',
      targetType: 'api_key',
      targetId: created.id,
      details: { name: input.name, permissions: input.permissions },
    });
    return created;
  });
  return { apiKey, secret: key.token };
}
