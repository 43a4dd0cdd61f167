import { actorOf, actorScope, type RequestContext, recordAudit, withTenant } from '@devctx/shared';
import { assertCanGrant } from './guard-grants.ts';
import { assertRoleNameFree, insertRole } from './queries.ts';

/** A custom role, made only of permissions the caller holds; its name must be free. */
export async function createRole(
  ctx: RequestContext,
  input: { name: string; description: string; permissions: string[] },
) {
  const actor = actorOf(ctx);
  assertCanGrant(actor, input.permissions, 'create this role');
  return withTenant(actorScope(ctx), async (trx) => {
    await assertRoleNameFree(trx, actor.tenantId, input.name);
    const created = await insertRole(trx, actor.tenantId, input);
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'role.created',
      targetType: 'role',
      targetId: created.id,
      details: { name: created.name, permissions: input.permissions },
    });
    return created;
  });
}
