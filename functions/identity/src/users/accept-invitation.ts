import {
  AppError,
  parseOpaqueToken,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { passwordSchema, passwordsFor } from '../auth/passwords.ts';
import { signedInSchema, signIn } from '../auth/sessions.ts';
import { queueVerificationMail } from '../me/email-address.ts';
import { nameSchema, userColumns } from './representation.ts';

export const acceptBody = z.object({
  token: z.string().min(1).max(200).describe('The invitation token (inv_…).'),
  password: passwordSchema,
  name: nameSchema.optional(),
});
export const acceptResponse = signedInSchema;

const invalid = () =>
  new AppError('not_found', 'The invitation does not exist, expired or was already used.');

/** Turns an invited user active with their chosen password, and signs them in. Once only. */
export async function acceptInvitation(ctx: RequestContext, body: z.infer<typeof acceptBody>) {
  const token = parseOpaqueToken(body.token, 'inv');
  if (!token) throw invalid();
  const passwordHash = await passwordsFor(ctx.config.ARGON2_CONCURRENCY).hash(body.password);
  const { tenantId } = token;
  return withTenant({ db: ctx.db, tenantId }, async (trx) => {
    const invitation = await trx
      .updateTable('invitations')
      .set({ accepted_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('token_hash', '=', token.hash)
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    if (!invitation) throw invalid();
    const user = await trx
      .updateTable('users')
      .set({
        status: 'active',
        password_hash: passwordHash,
        ...(body.name ? { name: body.name } : {}),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', invitation.user_id)
      .where('status', '=', 'invited')
      .returning(userColumns)
      .executeTakeFirst();
    if (!user) throw invalid();
    const { response } = await signIn(trx, ctx, tenantId, user);
    await queueVerificationMail(trx, ctx, tenantId, user.id);
    await recordAudit(trx, ctx, tenantId, {
      action: 'invitation.accepted',
      actorUserId: user.id,
      targetType: 'user',
      targetId: user.id,
    });
    return response;
  });
}
