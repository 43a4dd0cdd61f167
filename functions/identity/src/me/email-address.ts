import {
  AppError,
  actorOf,
  actorScope,
  composeMail,
  createOpaqueToken,
  defineJob,
  enforceRateLimit,
  enqueueJob,
  mailerFor,
  mailValue,
  parseOpaqueToken,
  type RequestContext,
  recordAudit,
  type Trx,
  takeRateLimit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { passwordsFor } from '../auth/passwords.ts';
import { mailBudgetsAllow } from '../users/mail-budgets.ts';
import { emailSchema, toUserView, userColumns } from '../users/representation.ts';
import { findUser, lockSelf } from './queries.ts';

const HOUR = 3600;
const TOKEN_HOURS = 24;
/** Verification mails one user may ask for an hour (on top of the mail budgets). */
const RESENDS_PER_HOUR = 5;

/**
 * Mails the user a link that verifies their current address. Queued in the transaction that
 * gives the user an address to verify (signup, accepting an invitation, a change of address)
 * or asks again; the token is made in the job, so no outbox row holds it. Only the newest
 * link works.
 */
export const verificationMailJob = defineJob({
  kind: 'identity.verification-mail',
  queue: 'mail',
  payload: z.object({ userId: z.uuid() }),
  maxAttempts: 8,
  run: async (ctx, { userId }, trx) => {
    const user = await trx
      .selectFrom('users as u')
      .innerJoin('tenants as t', 't.id', 'u.tenant_id')
      .select(['u.id', 'u.name', 'u.email', 'u.email_verified_at', 't.name as tenant', 't.slug'])
      .where('u.tenant_id', '=', ctx.tenantId)
      .where('u.id', '=', userId)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!user) return { sent: false, reason: 'no active user' };
    if (user.email_verified_at) return { sent: false, reason: 'already verified' };
    if (!(await mailBudgetsAllow(trx, ctx.tenantId, 'verification', user.email))) {
      // Said where an operator (or a laptop's console) sees it: the job itself succeeds.
      ctx.log.warn('mail not sent: a mail budget is spent', { kind: 'verification' });
      return { sent: false, reason: 'a mail budget is spent' };
    }
    await retireLinks(trx, ctx.tenantId, user.id);
    const token = createOpaqueToken('emv', ctx.tenantId);
    await trx
      .insertInto('email_verifications')
      .values({
        tenant_id: ctx.tenantId,
        user_id: user.id,
        email: user.email,
        token_hash: token.hash,
        expires_at: new Date(Date.now() + TOKEN_HOURS * HOUR * 1000),
        used_at: null,
      })
      .execute();
    const link = `${ctx.config.APP_URL.replace(/\/$/, '')}/#/verify-email/${encodeURIComponent(token.token)}`;
    await (await mailerFor(ctx.config)).send(
      composeMail({
        to: user.email,
        subject: `Verify your e-mail address for ${mailValue(user.tenant, 60)}`,
        intro: [
          `Hello ${mailValue(user.name, 60)},`,
          `Please confirm that this is your address for “${mailValue(user.tenant, 60)}” (${user.slug}) on Dev Context.`,
        ],
        action: { label: 'Verify my address', url: link },
        outro: [
          `The link works once, for ${TOKEN_HOURS} hours. If you did not sign up or change your address, ignore this e-mail.`,
        ],
      }),
    );
    return { sent: true };
  },
});

/** Queues the verification mail of `userId` (in the caller's transaction). */
export function queueVerificationMail(
  trx: Trx,
  ctx: Pick<RequestContext, 'dispatcher'>,
  tenantId: string,
  userId: string,
) {
  return enqueueJob(trx, ctx.dispatcher, tenantId, verificationMailJob, { userId });
}

/** Links not opened yet stop working: expired, not used (a used link proves an address). */
function retireLinks(trx: Trx, tenantId: string, userId: string) {
  return trx
    .updateTable('email_verifications')
    .set({ expires_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

/** POST /v1/me/email-verification: a new link, for a caller whose address is not verified. */
export async function resendVerification(ctx: RequestContext) {
  const actor = actorOf(ctx);
  enforceRateLimit(
    await takeRateLimit(ctx.db, `verification-mail:${actor.userId}`, RESENDS_PER_HOUR, HOUR),
    HOUR,
    'verification-mail',
  );
  await withTenant(actorScope(ctx), async (trx) => {
    await lockSelf(trx, actor.tenantId, actor.userId);
    const user = await findUser(trx, actor.tenantId, actor.userId);
    if (user?.email_verified_at)
      throw new AppError('conflict', 'Your address is verified already.');
    await queueVerificationMail(trx, ctx, actor.tenantId, actor.userId);
  });
}

export const verifyBody = z.object({
  token: z.string().min(1).max(200).describe('The token of the mailed link (emv_…).'),
});

const unusable = () =>
  new AppError(
    'not_found',
    'The link does not exist, expired, was already used, or is for an address you no longer use.',
  );

/** Verifies the address a live link was mailed to, if it is still the user's address. */
export async function verifyEmail(ctx: RequestContext, body: z.infer<typeof verifyBody>) {
  const token = parseOpaqueToken(body.token, 'emv');
  if (!token) throw unusable();
  const { tenantId } = token;
  return withTenant({ db: ctx.db, tenantId }, async (trx) => {
    const link = await trx
      .updateTable('email_verifications')
      .set({ used_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', token.hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['user_id', 'email'])
      .executeTakeFirst();
    if (!link) throw unusable();
    const user = await trx
      .updateTable('users')
      .set({ email_verified_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', link.user_id)
      .where('email', '=', link.email)
      .where('status', '=', 'active')
      .returning(userColumns)
      .executeTakeFirst();
    if (!user) throw unusable();
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.email_verified',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
    });
    return toUserView(user);
  });
}

export const changeEmailBody = z.object({
  email: emailSchema,
  password: z.string().min(1).max(256).describe('Your current password.'),
});

/**
 * A new address for the caller: it needs the current password (a borrowed session cannot
 * move the account to another mailbox, where a password reset would then arrive), starts
 * unverified, and gets a verification mail; links mailed to the old address die.
 */
export async function changeEmail(ctx: RequestContext, body: z.infer<typeof changeEmailBody>) {
  const actor = actorOf(ctx);
  const current = await withTenant(actorScope(ctx), (trx) =>
    findUser(trx, actor.tenantId, actor.userId),
  );
  if (
    !(await passwordsFor(ctx.config.ARGON2_CONCURRENCY).verify(
      current?.password_hash,
      body.password,
    ))
  )
    throw new AppError('validation_failed', 'The password is not right.', {
      fieldErrors: [{ path: 'body.password', message: 'wrong password' }],
    });
  if (current?.email === body.email) return toUserView(current);
  try {
    return await withTenant(actorScope(ctx), async (trx) => {
      await lockSelf(trx, actor.tenantId, actor.userId);
      const user = await trx
        .updateTable('users')
        .set({ email: body.email, email_verified_at: null })
        .where('tenant_id', '=', actor.tenantId)
        .where('id', '=', actor.userId)
        .returning(userColumns)
        .executeTakeFirstOrThrow();
      await retireLinks(trx, actor.tenantId, actor.userId);
      await queueVerificationMail(trx, ctx, actor.tenantId, actor.userId);
      // The addresses stay out of the audit log: it outlives them (erasure).
      await recordAudit(trx, ctx, actor.tenantId, {
        action: 'user.email_changed',
        targetType: 'user',
        targetId: actor.userId,
      });
      return toUserView(user);
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505')
      throw new AppError('conflict', 'Another user of this tenant has that address.', {
        fieldErrors: [{ path: 'body.email', message: 'already used' }],
      });
    throw error;
  }
}
