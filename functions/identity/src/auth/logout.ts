import {
  AppError,
  actorOf,
  actorScope,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { revokeSessions } from './sessions.ts';

/** Ends the caller's sign-in session: its refresh token and access tokens stop working. */
export async function logout(ctx: RequestContext): Promise<void> {
  const actor = actorOf(ctx);
  if (!actor.sessionId) {
    throw new AppError(
      'validation_failed',
      'API keys do not sign in; revoke one with DELETE /v1/api-keys/{id}.',
    );
  }
  const sessionId = actor.sessionId;
  await withTenant(actorScope(ctx), async (trx) => {
    await revokeSessions(trx, actor.tenantId, { sessionId }, 'logout');
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'logout',
      targetType: 'session',
      targetId: sessionId,
    });
  });
}
