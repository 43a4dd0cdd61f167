import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { assertCanGrant, permissionsOfRole, systemRoleImmutable } from './guard-grants.ts';
import { findRole, updateRole } from './queries.ts';

/**
 * Changes a custom role. The caller must hold every permission the role has, before and
 * after; the audit entry says which permissions were added and removed.
 */
export async function changeRole(
  ctx: RequestContext,
  roleId: string,
  changes: {
    name?: string | undefined;
    description?: string | undefined;
    permissions?: string[] | undefined;
  },
) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const current = await findRole(trx, actor.tenantId, roleId);
    if (!current) throw notFound('role');
    if (current.system_key) throw systemRoleImmutable();
    assertCanGrant(
      actor,
      [...permissionsOfRole(current), ...(changes.permissions ?? [])],
      'change this role',
    );
    const updated = await updateRole(trx, actor.tenantId, roleId, changes);
    const before = new Set(current.permissions);
    const after = new Set(updated.permissions);
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'role.updated',
      targetType: 'role',
      targetId: roleId,
      details: {
        added: [...after].filter((p) => !before.has(p)),
        removed: [...before].filter((p) => !after.has(p)),
        ...(changes.name && changes.name !== current.name
          ? { renamed: { from: current.name, to: changes.name } }
          : {}),
      },
    });
    return updated;
  });
}
