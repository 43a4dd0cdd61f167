import {
  AppError,
  actorOf,
  actorScope,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { passwordSchema, passwordsFor } from '../auth/passwords.ts';
import { revokeSessions } from '../auth/sessions.ts';
import { findUser, lockSelf } from './queries.ts';

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: passwordSchema,
});

/**
 * Needs the current password. Every other session of the user is revoked at once (their
 * access tokens fail on the next request); the session that made the change stays.
 */
export async function changePassword(
  ctx: RequestContext,
  body: z.infer<typeof changePasswordBody>,
) {
  const actor = actorOf(ctx);
  const passwords = passwordsFor(ctx.config.ARGON2_CONCURRENCY);
  const user = await withTenant(actorScope(ctx), (trx) =>
    findUser(trx, actor.tenantId, actor.userId),
  );
  if (!(await passwords.verify(user?.password_hash, body.currentPassword))) {
    throw new AppError('validation_failed', 'The current password is not right.', {
      fieldErrors: [{ path: 'body.currentPassword', message: 'wrong password' }],
    });
  }
  const newHash = await passwords.hash(body.newPassword);
  await withTenant(actorScope(ctx), async (trx) => {
    await lockSelf(trx, actor.tenantId, actor.userId);
    await trx
      .updateTable('users')
      .set({ password_hash: newHash })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', actor.userId)
      .execute();
    const revoked = await revokeSessions(
      trx,
      actor.tenantId,
      { userId: actor.userId, exceptSessionId: actor.sessionId },
      'password_changed',
    );
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'password.changed',
      targetType: 'user',
      targetId: actor.userId,
      details: { sessionsRevoked: revoked },
    });
  });
}
