import type { Trx } from '@devctx/shared';
import { z } from 'zod';

const meter = z.object({ used: z.number(), limit: z.number() });
export const usageSchema = z.object({
  tier: z.enum(['free', 'pro', 'enterprise']),
  users: meter,
  projects: meter,
  repositories: meter,
  messages: meter.describe(
    'Distinct message texts stored (a text repeated across messages counts once); deleting the sessions that use a text frees it.',
  ),
  storageBytes: meter.describe('Bytes of those texts.'),
  requestsPerHour: z.number().describe('Per user; see the RateLimit headers for what is left.'),
});

/** Counters kept in step by triggers, read against the tier's limits: no big-table counts. */
export async function tenantUsage(
  trx: Trx,
  tenantId: string,
): Promise<z.infer<typeof usageSchema>> {
  const row = await trx
    .selectFrom('tenant_usage as u')
    .innerJoin('tenants as n', 'n.id', 'u.tenant_id')
    .innerJoin('tiers as t', 't.tier', 'n.tier')
    .select([
      'n.tier',
      'u.users',
      'u.projects',
      'u.repositories',
      'u.messages',
      'u.storage_bytes',
      't.max_users',
      't.max_projects',
      't.max_repositories',
      't.max_messages',
      't.max_storage_bytes',
      't.requests_per_hour',
    ])
    .where('u.tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return {
    tier: row.tier,
    users: { used: row.users, limit: row.max_users },
    projects: { used: row.projects, limit: row.max_projects },
    repositories: { used: row.repositories, limit: row.max_repositories },
    messages: { used: Number(row.messages), limit: Number(row.max_messages) },
    storageBytes: { used: Number(row.storage_bytes), limit: Number(row.max_storage_bytes) },
    requestsPerHour: row.requests_per_hour,
  };
}
