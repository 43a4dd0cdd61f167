import {
  composeMail,
  defineJob,
  enforceRateLimit,
  enqueueJob,
  hashToken,
  mailerFor,
  mailValue,
  type RequestContext,
  secretBoxFor,
  type Trx,
  takeRateLimit,
} from '@devctx/shared';
import { z } from 'zod';
import { takeMailBudgets } from './mail-budgets.ts';

/**
 * Mails an invitation its accept link. The token rides in the job's payload sealed
 * (AES-256-GCM, bound to the invitation), so the outbox holds no usable token; in the link
 * it sits in the fragment (`#/invitation/…`), which browsers never send to a server, so no
 * request path or log ever holds it. An invitation accepted, revoked or re-sent since is
 * not mailed (its token no longer works).
 */
export const invitationMailJob = defineJob({
  kind: 'identity.invitation-mail',
  queue: 'mail',
  payload: z.object({ invitationId: z.uuid(), sealedToken: z.string().max(2000) }),
  maxAttempts: 8,
  run: async (ctx, { invitationId, sealedToken }, trx) => {
    const box = await secretBoxFor(ctx.config);
    const token = box.open(Buffer.from(sealedToken, 'base64'), invitationId);
    const invitation = await trx
      .selectFrom('invitations as i')
      .innerJoin('users as u', (j) =>
        j.onRef('u.tenant_id', '=', 'i.tenant_id').onRef('u.id', '=', 'i.user_id'),
      )
      .innerJoin('users as by', (j) =>
        j.onRef('by.tenant_id', '=', 'i.tenant_id').onRef('by.id', '=', 'i.invited_by'),
      )
      .innerJoin('tenants as t', 't.id', 'i.tenant_id')
      .select(['i.expires_at', 'u.email', 'u.name', 'by.name as inviter', 't.name as tenant'])
      .where('i.tenant_id', '=', ctx.tenantId)
      .where('i.id', '=', invitationId)
      // Only the live token: a mail queued before a resend is not sent.
      .where('i.token_hash', '=', hashToken(token))
      .where('i.accepted_at', 'is', null)
      .where('i.expires_at', '>', new Date())
      .executeTakeFirst();
    if (!invitation) return { sent: false, reason: 'accepted, revoked, re-sent or expired' };
    const link = `${ctx.config.APP_URL.replace(/\/$/, '')}/#/invitation/${encodeURIComponent(token)}`;
    const [name, inviter, tenant] = [invitation.name, invitation.inviter, invitation.tenant].map(
      (value) => mailValue(value, 60),
    );
    await (await mailerFor(ctx.config)).send(
      composeMail({
        to: invitation.email,
        subject: `${inviter} invited you to ${tenant}`,
        intro: [
          `Hello ${name},`,
          `${inviter} invited you to join “${tenant}” on Dev Context, where the team keeps what it did with AI coding assistants.`,
        ],
        action: { label: 'Accept the invitation', url: link },
        outro: [
          `The link works once, until ${invitation.expires_at.toUTCString()}. If you did not expect this invitation, ignore this e-mail.`,
        ],
      }),
    );
    return { sent: true };
  },
});

/** Sends of one invitation per hour (the first and its resends). */
const MAILS_PER_INVITATION_PER_HOUR = 5;
const HOUR = 3600;

/**
 * Queues the invitation's mail in the transaction that made (or renewed) its token, within
 * the mail budgets (429 beyond them, and nothing changes).
 */
export async function queueInvitationMail(
  trx: Trx,
  ctx: RequestContext,
  tenantId: string,
  invitation: { id: string; token: string; email: string },
  createdBy: string,
) {
  await takeMailBudgets(trx, tenantId, 'invitation', invitation.email);
  enforceRateLimit(
    await takeRateLimit(
      trx,
      `invitation-mail:${invitation.id}`,
      MAILS_PER_INVITATION_PER_HOUR,
      HOUR,
    ),
    HOUR,
    'mail-invitation',
  );
  const box = await secretBoxFor(ctx.config);
  const sealedToken = box.seal(invitation.token, invitation.id).toString('base64');
  await enqueueJob(
    trx,
    ctx.dispatcher,
    tenantId,
    invitationMailJob,
    { invitationId: invitation.id, sealedToken },
    { createdBy },
  );
}
