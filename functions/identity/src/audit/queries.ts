import type { Cursor, Trx } from '@devctx/shared';

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  targetId?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** Audit entries, newest first (by their sequence number), after the cursor's. */
export function listAuditLog(
  trx: Trx,
  tenantId: string,
  filter: AuditFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('audit_log')
    .select([
      'id',
      'seq',
      'occurred_at',
      'action',
      'actor_user_id',
      'actor_api_key_id',
      'target_type',
      'target_id',
      'ip',
      'user_agent',
      'request_id',
      'details',
    ])
    .where('tenant_id', '=', tenantId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.actorId) query = query.where('actor_user_id', '=', filter.actorId);
  if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
  if (filter.since) query = query.where('occurred_at', '>=', new Date(filter.since));
  if (filter.until) query = query.where('occurred_at', '<', new Date(filter.until));
  if (after) query = query.where('seq', '<', after.after);
  return query
    .orderBy('seq', 'desc')
    .limit(limit + 1)
    .execute();
}
