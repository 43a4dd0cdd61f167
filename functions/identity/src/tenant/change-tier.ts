import { AppError, type AuditContext, type Db, recordAudit, withTenant } from '@devctx/shared';
import { sql } from 'kysely';
import { setTier, tierOf } from './queries.ts';
import { tenantUsage } from './usage.ts';

export type Tier = 'free' | 'pro' | 'enterprise';

/**
 * Moves a tenant to another tier and returns its usage against the new limits. Only the
 * platform operator does this — through the scheduler's IAM-guarded operator route or
 * `npm run tier` — never a tenant's own credential, or quotas would bound nobody. A
 * downgrade deletes nothing: usage over a limit only stops further creation.
 */
export async function changeTier(ctx: AuditContext & { db: Db }, tenantSlug: string, tier: Tier) {
  const { rows } = await sql<{ id: string | null }>`
    select tenant_id_by_slug(${tenantSlug}) as id`.execute(ctx.db);
  const tenantId = rows[0]?.id;
  if (!tenantId) throw new AppError('not_found', `There is no active tenant ${tenantSlug}.`);
  return withTenant({ db: ctx.db, tenantId }, async (trx) => {
    const before = await tierOf(trx, tenantId);
    await setTier(trx, tenantId, tier);
    await recordAudit(trx, ctx, tenantId, {
      action: 'tenant.tier_changed',
      targetType: 'tenant',
      targetId: tenantId,
      details: { from: before, to: tier, by: 'operator' },
    });
    return tenantUsage(trx, tenantId);
  });
}
