import {
  type Actor,
  AppError,
  actorOf,
  actorScope,
  createOpaqueToken,
  notFound,
  type RequestContext,
  recordAudit,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { assertMayChange } from './deactivate-user.ts';
import { queueInvitationMail } from './invitation-mail.ts';

export const resentSchema = z.object({
  expiresAt: z.iso.datetime().describe('The new link’s end; the old link no longer works.'),
});

/**
 * The open invitation of an invited user, locked (one resend or revoke at a time), for an
 * actor who holds every permission the invited user would: no lesser role re-sends or
 * revokes an owner's invitation.
 */
async function openInvitation(trx: Trx, actor: Actor, userId: string, what: string) {
  const tenantId = actor.tenantId;
  const user = await trx
    .selectFrom('users')
    .select(['id', 'status', 'email'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!user) throw notFound('user');
  const invitation = await trx
    .selectFrom('invitations')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('accepted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (user.status !== 'invited' || !invitation)
    throw new AppError('conflict', 'This user has no open invitation (accepted or revoked).');
  await assertMayChange(trx, actor, userId, what);
  return { user, invitation };
}

/**
 * Mails the invitation again with a fresh link, valid for a full period again; the link
 * sent before stops working (one live token per invitation).
 */
export async function resendInvitation(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const { user, invitation } = await openInvitation(trx, actor, userId, 'resend this invitation');
    const token = createOpaqueToken('inv', actor.tenantId);
    const expiresAt = new Date(Date.now() + ctx.config.INVITATION_TTL_SECONDS * 1000);
    await trx
      .updateTable('invitations')
      .set({ token_hash: token.hash, expires_at: expiresAt })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', invitation.id)
      .execute();
    await queueInvitationMail(
      trx,
      ctx,
      actor.tenantId,
      { id: invitation.id, token: token.token, email: user.email },
      actor.userId,
    );
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'user.invitation_resent',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
    return { expiresAt: expiresAt.toISOString() };
  });
}

/**
 * Withdraws an invitation not yet accepted: its link stops working, a mail still queued is
 * not sent, and the invited user is removed (the seat is free, the address may be invited
 * again).
 */
export async function revokeInvitation(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  await withTenant(actorScope(ctx), async (trx) => {
    const { user } = await openInvitation(trx, actor, userId, 'revoke this invitation');
    // Never active, so nothing is theirs: the user goes with the invitation (its row goes
    // with them), the seat is free and the address may be invited again.
    await trx
      .deleteFrom('users')
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', user.id)
      .where('status', '=', 'invited')
      .execute();
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'user.invitation_revoked',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
  });
}
