import {
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
import { queueInvitationMail } from './invitation-mail.ts';

export const resentSchema = z.object({
  expiresAt: z.iso.datetime().describe('The new link’s end; the old link no longer works.'),
});

/** The open invitation of an invited user, locked: one resend or revoke at a time. */
async function openInvitation(trx: Trx, tenantId: string, userId: string) {
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
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (user.status !== 'invited' || !invitation)
    throw new AppError('conflict', 'This user has no open invitation (accepted or revoked).');
  return { user, invitation };
}

/**
 * Mails the invitation again with a fresh link, valid for a full period again; the link
 * sent before stops working (one live token per invitation).
 */
export async function resendInvitation(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const { user, invitation } = await openInvitation(trx, actor.tenantId, userId);
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
      { id: invitation.id, token: token.token },
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
 * not sent, and the invited user is deactivated (the seat is free again).
 */
export async function revokeInvitation(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  await withTenant(actorScope(ctx), async (trx) => {
    const { user, invitation } = await openInvitation(trx, actor.tenantId, userId);
    await trx
      .updateTable('invitations')
      .set({ revoked_at: new Date() })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', invitation.id)
      .execute();
    await trx
      .updateTable('users')
      .set({ status: 'deactivated' })
      .where('tenant_id', '=', actor.tenantId)
      .where('id', '=', user.id)
      .execute();
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'user.invitation_revoked',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email },
    });
  });
}
