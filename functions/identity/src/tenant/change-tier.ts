import { actorOf, actorScope, type RequestContext, recordAudit, withTenant } from '@devctx/shared';
import { setTier, tierOf } from './queries.ts';
import { tenantUsage } from './usage.ts';

/**
 * Moves the tenant to another tier and returns its usage against the new limits. A
 * downgrade deletes nothing: usage over a limit only stops further creation.
 */
export async function changeTier(ctx: RequestContext, tier: 'free' | 'pro' | 'enterprise') {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const before = await tierOf(trx, actor.tenantId);
    await setTier(trx, actor.tenantId, tier);
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'tenant.tier_changed',
      targetType: 'tenant',
      targetId: actor.tenantId,
      details: { from: before, to: tier },
    });
    return tenantUsage(trx, actor.tenantId);
  });
}
