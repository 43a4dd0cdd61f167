import type { Trx } from '../db/with-tenant.ts';
import type { RequestContext } from '../http/route.ts';

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
  /** For events before anyone is authenticated (login, signup): who it concerns. */
  actorUserId?: string;
}

/**
 * Appends a security event in the caller's transaction, so it is recorded exactly when
 * the change it describes is (and never for one that rolled back).
 */
/** What an audit entry records of the request behind it (an operator's has no actor). */
export type AuditContext = Pick<RequestContext, 'ip' | 'userAgent' | 'requestId' | 'actor'>;

export async function recordAudit(
  trx: Trx,
  ctx: AuditContext,
  tenantId: string,
  event: AuditEvent,
) {
  await trx
    .insertInto('audit_log')
    .values({
      tenant_id: tenantId,
      action: event.action,
      actor_user_id: event.actorUserId ?? ctx.actor?.userId ?? null,
      actor_api_key_id: ctx.actor?.apiKeyId ?? null,
      target_type: event.targetType ?? null,
      target_id: event.targetId ?? null,
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 500) ?? null,
      request_id: ctx.requestId,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}
