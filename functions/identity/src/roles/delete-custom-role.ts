import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { assertCanGrant, permissionsOfRole, systemRoleImmutable } from './guard-grants.ts';
import { deleteRole, findRole } from './queries.ts';

/** Deletes a custom role whose permissions the caller holds; its holders lose it. */
export async function deleteCustomRole(ctx: RequestContext, roleId: string) {
  const actor = actorOf(ctx);
  await withTenant(actorScope(ctx), async (trx) => {
    const current = await findRole(trx, actor.tenantId, roleId);
    if (!current) throw notFound('role');
    if (current.system_key) throw systemRoleImmutable();
    assertCanGrant(actor, permissionsOfRole(current), 'delete this role');
    await deleteRole(trx, actor.tenantId, roleId);
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'role.deleted',
      targetType: 'role',
      targetId: roleId,
      details: { name: current.name, permissions: current.permissions },
    });
  });
}
