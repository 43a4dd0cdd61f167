import type { Trx } from '@devctx/shared';
import { tenantColumns } from './representation.ts';

type Tier = 'free' | 'pro' | 'enterprise';

// The tenants table is keyed by the tenant's own id: `id` is its tenant_id.

export function findTenant(trx: Trx, tenantId: string) {
  return trx
    .selectFrom('tenants')
    .select(tenantColumns)
    .where('id', '=', tenantId)
    .executeTakeFirst();
}

export function updateTenant(
  trx: Trx,
  tenantId: string,
  change: { name?: string | undefined; require_verified_email?: boolean | undefined },
) {
  return trx
    .updateTable('tenants')
    .set(change)
    .where('id', '=', tenantId)
    .returning(tenantColumns)
    .executeTakeFirst();
}

export async function tierOf(trx: Trx, tenantId: string): Promise<Tier> {
  const row = await trx
    .selectFrom('tenants')
    .select('tier')
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return row.tier;
}

export async function setTier(trx: Trx, tenantId: string, tier: Tier) {
  await trx.updateTable('tenants').set({ tier }).where('id', '=', tenantId).execute();
}
