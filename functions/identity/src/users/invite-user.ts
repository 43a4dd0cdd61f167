import {
  AppError,
  actorOf,
  actorScope,
  createOpaqueToken,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { assertCanGrant, permissionsOfRole } from '../roles/guard-grants.ts';
import { findSystemRole, roleColumns } from '../roles/queries.ts';
import { queueInvitationMail } from './invitation-mail.ts';
import { emailSchema, nameSchema, toUserView, userColumns, userSchema } from './representation.ts';

export const inviteBody = z
  .object({
    email: emailSchema,
    name: nameSchema,
    roleIds: z
      .array(z.uuid())
      .max(20)
      .optional()
      .describe('Roles to give; the member role when omitted.'),
  })
  .meta({ examples: [{ email: 'grace@acme.example', name: 'Grace' }] });

export const inviteResponse = z.object({
  user: userSchema,
  invitation: z.object({
    token: z
      .string()
      .describe(
        'Shown once. The invitee also gets it by e-mail, as an accept link; hand it over yourself only where mail cannot reach.',
      ),
    expiresAt: z.iso.datetime(),
  }),
});

/**
 * Adds the user as `invited` (a seat counts from now: the quota applies) with the given
 * roles, and returns a one-time invitation token. Only roles whose permissions the inviter
 * holds can be given.
 */
export async function inviteUser(ctx: RequestContext, body: z.infer<typeof inviteBody>) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  return withTenant(actorScope(ctx), async (trx) => {
    const roles = body.roleIds?.length
      ? await trx
          .selectFrom('roles')
          .select(roleColumns)
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', body.roleIds)
          .execute()
      : [await findSystemRole(trx, tenantId, 'member')];
    if (roles.length !== new Set(body.roleIds ?? [roles[0]?.id]).size) {
      throw new AppError('validation_failed', 'One of the roles does not exist.', {
        fieldErrors: [{ path: 'body.roleIds', message: 'unknown role' }],
      });
    }
    for (const role of roles)
      assertCanGrant(actor, permissionsOfRole(role), `give the role ${role.name}`);

    const existing = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('email', '=', body.email)
      .executeTakeFirst();
    if (existing)
      throw new AppError('conflict', `A user with the email ${body.email} already exists.`);

    const user = await trx
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        email: body.email,
        name: body.name,
        password_hash: null,
        status: 'invited',
      })
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('user_roles')
      .values(roles.map((role) => ({ tenant_id: tenantId, user_id: user.id, role_id: role.id })))
      .execute();
    const invitation = createOpaqueToken('inv', tenantId);
    const expiresAt = new Date(Date.now() + ctx.config.INVITATION_TTL_SECONDS * 1000);
    const { id } = await trx
      .insertInto('invitations')
      .values({
        tenant_id: tenantId,
        user_id: user.id,
        token_hash: invitation.hash,
        invited_by: actor.userId,
        expires_at: expiresAt,
        accepted_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueInvitationMail(
      trx,
      ctx,
      tenantId,
      { id, token: invitation.token, email: user.email },
      actor.userId,
    );
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.invited',
      targetType: 'user',
      targetId: user.id,
      details: { email: body.email, roles: roles.map((r) => r.name) },
    });
    return {
      user: toUserView(user),
      invitation: { token: invitation.token, expiresAt: expiresAt.toISOString() },
    };
  });
}
