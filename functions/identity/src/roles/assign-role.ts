import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { assertUserExists } from '../users/queries.ts';
import { assertCanGrant, permissionsOfRole } from './guard-grants.ts';
import { findRole, insertUserRole } from './queries.ts';

/**
 * Gives a user a role whose permissions the caller holds. Giving it again changes nothing
 * (and is not audited again): `created` says whether it was new.
 */
export async function assignRole(ctx: RequestContext, userId: string, roleId: string) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  return withTenant(actorScope(ctx), async (trx) => {
    await assertUserExists(trx, tenantId, userId);
    const role = await findRole(trx, tenantId, roleId);
    if (!role) throw notFound('role');
    assertCanGrant(actor, permissionsOfRole(role), `give the role ${role.name}`);
    const created = await insertUserRole(trx, tenantId, userId, role.id);
    if (created) {
      await recordAudit(trx, ctx, tenantId, {
        action: 'role.assigned',
        targetType: 'user',
        targetId: userId,
        details: { roleId: role.id, role: role.name },
      });
    }
    return { role, created };
  });
}
