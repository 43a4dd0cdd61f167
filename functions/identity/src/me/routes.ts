import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { renameUser } from '../users/queries.ts';
import { nameSchema, toUserView, userSchema } from '../users/representation.ts';
import { changePassword, changePasswordBody } from './change-password.ts';
import { changeEmail, changeEmailBody, resendVerification } from './email-address.ts';
import { findUser, lockSelf, rolesOfUser } from './queries.ts';

const tags = ['me'];

const meSchema = z.object({
  user: userSchema,
  tenantId: z.uuid(),
  roles: z.array(z.object({ id: z.uuid(), name: z.string() })),
  permissions: z.array(z.string()).describe('What this credential may do now.'),
  credential: z.enum(['user', 'api_key']),
  writesWithheld: z
    .enum(['email_unverified', 'tenant_deleting'])
    .nullable()
    .describe(
      'Why a tenant rule holds back the write permissions your roles give (null: it does not).',
    ),
});

export const meRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/me',
    summary: 'Who am I: profile, roles and effective permissions',
    tags,
    permission: 'profile:read',
    responses: { 200: { description: 'The caller', schema: meSchema } },
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const { user, roles } = await withTenant(actorScope(ctx), async (trx) => ({
        user: await findUser(trx, actor.tenantId, actor.userId),
        roles: await rolesOfUser(trx, actor.tenantId, actor.userId),
      }));
      if (!user) throw notFound('user');
      return {
        body: {
          user: toUserView(user),
          tenantId: actor.tenantId,
          roles: roles.map((r) => ({ id: r.id, name: r.name })),
          permissions: [...actor.permissions].sort(),
          credential: actor.kind,
          writesWithheld: actor.withheld?.reason ?? null,
        },
      };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/me',
    summary: 'Change your own name',
    tags,
    permission: 'profile:update',
    body: z.object({ name: nameSchema }),
    responses: { 200: { description: 'Updated profile', schema: userSchema } },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const user = await withTenant(actorScope(ctx), async (trx) => {
        await lockSelf(trx, actor.tenantId, actor.userId);
        return renameUser(trx, actor.tenantId, actor.userId, body.name);
      });
      if (!user) throw notFound('user');
      return { body: toUserView(user) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/email',
    summary:
      'Change your e-mail address (needs your password); the new one gets a verification mail',
    tags,
    permission: 'profile:update',
    body: changeEmailBody,
    responses: {
      200: { description: 'Your profile, the new address not verified yet', schema: userSchema },
      400: { description: 'The password is wrong' },
      409: { description: 'Another user of the tenant has that address' },
    },
    handler: async (ctx, { body }) => ({ body: await changeEmail(ctx, body) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/email-verification',
    summary: 'Mail a new link that verifies your address',
    tags,
    permission: 'profile:update',
    responses: {
      202: { description: 'The mail is on its way' },
      409: { description: 'Your address is verified already' },
      429: { description: 'Too many asked for this hour' },
    },
    handler: async (ctx) => {
      await resendVerification(ctx);
      return { status: 202 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/me/password',
    summary: 'Change your password; signs out your other sessions',
    tags,
    permission: 'profile:update',
    body: changePasswordBody,
    responses: {
      204: { description: 'Changed' },
      400: { description: 'The current password is wrong, or the new one too short or long' },
    },
    handler: async (ctx, { body }) => {
      await changePassword(ctx, body);
      return { status: 204 };
    },
  }),
];
