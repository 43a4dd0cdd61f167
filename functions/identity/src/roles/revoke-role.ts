import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { assertCanGrant, permissionsOfRole } from './guard-grants.ts';
import { assertOwnerRemains, deleteUserRole, findRole } from './queries.ts';

/** Takes a role from a user; the caller must hold its permissions, and the last owner stays. */
export async function revokeRole(ctx: RequestContext, userId: string, roleId: string) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  await withTenant(actorScope(ctx), async (trx) => {
    const role = await findRole(trx, tenantId, roleId);
    if (!role) throw notFound('role');
    assertCanGrant(actor, permissionsOfRole(role), `take away the role ${role.name}`);
    if (role.system_key === 'owner') await assertOwnerRemains(trx, tenantId, userId);
    const deleted = await deleteUserRole(trx, tenantId, userId, role.id);
    if (!deleted) throw notFound('role assignment');
    await recordAudit(trx, ctx, tenantId, {
      action: 'role.revoked',
      targetType: 'user',
      targetId: userId,
      details: { roleId: role.id, role: role.name },
    });
  });
}
