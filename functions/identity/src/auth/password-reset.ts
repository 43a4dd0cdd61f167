import {
  AppError,
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
  takeRateLimit,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { slugSchema } from '../tenant/representation.ts';
import { mailBudgetsAllow } from '../users/mail-budgets.ts';
import { emailSchema } from '../users/representation.ts';
import { addressKey } from './address-key.ts';
import { passwordSchema, passwordsFor } from './passwords.ts';
import { revokeSessions } from './sessions.ts';

const HOUR = 3600;
const TOKEN_MINUTES = 30;
/** Requests for one address per hour, and from one IP: no guessing, no mail bombing. */
const REQUESTS_PER_ADDRESS = 5;
const REQUESTS_PER_IP = 30;

export const resetRequestBody = z.object({
  tenant: slugSchema.describe('The tenant slug.'),
  email: emailSchema,
});
export const resetRequestedSchema = z.object({
  status: z.literal('accepted'),
  detail: z.string(),
});
const ACCEPTED = {
  status: 'accepted' as const,
  detail:
    'If the address belongs to an active user of that tenant, a link to choose a new password is on its way. It works once, for 30 minutes.',
};

/**
 * The same answer, after the same work, whether or not the address belongs to anyone: the
 * request only queues a job (in a tenant that exists), and the job looks the user up, makes
 * the token and mails it. The token is made and hashed in the job, so it is stored nowhere
 * in clear, not even in the outbox.
 */
export async function requestPasswordReset(
  ctx: RequestContext,
  body: z.infer<typeof resetRequestBody>,
) {
  for (const [key, limit] of [
    [`password-reset:${addressKey(body.tenant, body.email)}`, REQUESTS_PER_ADDRESS],
    [`password-reset-ip:${ctx.ip}`, REQUESTS_PER_IP],
  ] as const)
    enforceRateLimit(await takeRateLimit(ctx.db, key, limit, HOUR), HOUR, 'password-reset');
  const found = await sql<{
    id: string | null;
  }>`select tenant_id_by_slug(${body.tenant}) as id`.execute(ctx.db);
  const tenantId = found.rows[0]?.id;
  if (tenantId)
    await withTenant({ db: ctx.db, tenantId }, async (trx) => {
      await enqueueJob(trx, ctx.dispatcher, tenantId, passwordResetMailJob, { email: body.email });
      await recordAudit(trx, ctx, tenantId, {
        action: 'password.reset_requested',
        details: { email: body.email },
      });
    });
  return ACCEPTED;
}

export const passwordResetMailJob = defineJob({
  kind: 'identity.password-reset-mail',
  queue: 'mail',
  payload: z.object({ email: z.string().max(320) }),
  maxAttempts: 8,
  run: async (ctx, { email }, trx) => {
    const user = await trx
      .selectFrom('users as u')
      .innerJoin('tenants as t', 't.id', 'u.tenant_id')
      .select(['u.id', 'u.name', 't.name as tenant', 't.slug'])
      .where('u.tenant_id', '=', ctx.tenantId)
      .where('u.email', '=', email)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!user) return { sent: false, reason: 'no active user with that address' };
    if (!(await mailBudgetsAllow(trx, ctx.tenantId, 'password-reset', email))) {
      // Said where an operator (or a laptop's console) sees it: the job itself succeeds.
      ctx.log.warn('mail not sent: a mail budget is spent', { kind: 'password-reset' });
      return { sent: false, reason: 'a mail budget is spent' };
    }
    // One live link per user: a new request retires the ones before it.
    await trx
      .updateTable('password_resets')
      .set({ used_at: new Date() })
      .where('tenant_id', '=', ctx.tenantId)
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute();
    const token = createOpaqueToken('pwr', ctx.tenantId);
    const expiresAt = new Date(Date.now() + TOKEN_MINUTES * 60_000);
    await trx
      .insertInto('password_resets')
      .values({
        tenant_id: ctx.tenantId,
        user_id: user.id,
        token_hash: token.hash,
        expires_at: expiresAt,
        used_at: null,
      })
      .execute();
    const link = `${ctx.config.APP_URL.replace(/\/$/, '')}/#/reset-password/${encodeURIComponent(token.token)}`;
    await (await mailerFor(ctx.config)).send(
      composeMail({
        to: email,
        subject: `Choose a new password for ${mailValue(user.tenant, 60)}`,
        intro: [
          `Hello ${mailValue(user.name, 60)},`,
          `Someone (you, we hope) asked to choose a new password for your account in “${mailValue(user.tenant, 60)}” (${user.slug}) on Dev Context.`,
        ],
        action: { label: 'Choose a new password', url: link },
        outro: [
          `The link works once, for ${TOKEN_MINUTES} minutes. Choosing a new password signs you out everywhere else. If you did not ask for this, ignore this e-mail: your password stays as it is.`,
        ],
      }),
    );
    return { sent: true };
  },
});

export const resetConfirmBody = z.object({
  token: z.string().min(1).max(200).describe('The token of the mailed link (pwr_…).'),
  password: passwordSchema,
});

const unusable = () =>
  new AppError('not_found', 'The link does not exist, expired or was already used.');

/**
 * Sets the new password (argon2id) with a live token, once, and ends every session of the
 * user: whoever knew the old password is signed out.
 */
export async function confirmPasswordReset(
  ctx: RequestContext,
  body: z.infer<typeof resetConfirmBody>,
) {
  const token = parseOpaqueToken(body.token, 'pwr');
  if (!token) throw unusable();
  const passwordHash = await passwordsFor(ctx.config.ARGON2_CONCURRENCY).hash(body.password);
  const { tenantId } = token;
  await withTenant({ db: ctx.db, tenantId }, async (trx) => {
    const reset = await trx
      .updateTable('password_resets')
      .set({ used_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', token.hash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning('user_id')
      .executeTakeFirst();
    if (!reset) throw unusable();
    const user = await trx
      .updateTable('users')
      .set({ password_hash: passwordHash })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', reset.user_id)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst();
    if (!user) throw unusable();
    const revoked = await revokeSessions(trx, tenantId, { userId: user.id }, 'password_reset');
    await recordAudit(trx, ctx, tenantId, {
      action: 'password.reset',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
      details: { sessionsRevoked: revoked },
    });
  });
}
