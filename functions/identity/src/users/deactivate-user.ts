import {
  type Actor,
  AppError,
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { revokeSessions } from '../auth/sessions.ts';
import { assertCanGrant, permissionsOfRole } from '../roles/guard-grants.ts';
import { assertOwnerRemains, rolesHeldBy } from '../roles/queries.ts';
import { lockUser, revokeApiKeysOf, setUserStatus } from './queries.ts';

/**
 * Deactivates (never deletes: their history stays attributed). Their sessions and API keys
 * are revoked in the same transaction, and the seat is freed. The last owner stays, and
 * nobody deactivates a user who holds a permission they lack: an admin cannot lock out an
 * owner, nor a role holding only users:deactivate an admin.
 */
export async function deactivateUser(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  await withTenant(actorScope(ctx), async (trx) => {
    const user = await lockUser(trx, tenantId, userId);
    if (!user) throw notFound('user');
    await assertMayChange(trx, actor, userId, 'deactivate this user');
    if (user.status === 'deactivated') return;
    await assertOwnerRemains(trx, tenantId, userId);
    await setUserStatus(trx, tenantId, userId, 'deactivated');
    await revokeSessions(trx, tenantId, { userId }, 'user_deactivated');
    await revokeApiKeysOf(trx, tenantId, userId);
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.deactivated',
      targetType: 'user',
      targetId: userId,
    });
  });
}

/**
 * Lets a deactivated user sign in again (their old sessions and keys stay revoked). The
 * seat counts against the tier again; the same rule applies as to deactivating.
 */
export async function reactivateUser(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  await withTenant(actorScope(ctx), async (trx) => {
    const user = await lockUser(trx, tenantId, userId);
    if (!user) throw notFound('user');
    await assertMayChange(trx, actor, userId, 'reactivate this user');
    if (user.erased) throw new AppError('conflict', 'An erased person cannot be reactivated.');
    if (user.status !== 'deactivated') return;
    await setUserStatus(trx, tenantId, userId, 'active');
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.reactivated',
      targetType: 'user',
      targetId: userId,
    });
  });
}

/** The actor must hold every permission the user holds. */
export async function assertMayChange(trx: Trx, actor: Actor, userId: string, what: string) {
  const held = new Set<string>();
  for (const role of await rolesHeldBy(trx, actor.tenantId, userId))
    for (const permission of permissionsOfRole(role)) held.add(permission);
  assertCanGrant(actor, held, what);
}
