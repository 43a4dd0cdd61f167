import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  notFound,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { deliverTokens } from '../auth/refresh-cookie.ts';
import { rolesOfUser } from '../me/queries.ts';
import { acceptBody, acceptInvitation, acceptResponse } from './accept-invitation.ts';
import { deactivateUser, reactivateUser } from './deactivate-user.ts';
import { eraseBody, eraseUser } from './erase-user.ts';
import { inviteBody, inviteResponse, inviteUser } from './invite-user.ts';
import { resendInvitation, resentSchema, revokeInvitation } from './manage-invitation.ts';
import { findUserById, listUsers, renameUser } from './queries.ts';
import { nameSchema, toUserView, userSchema } from './representation.ts';

const tags = ['users'];
const idParams = z.object({ id: z.uuid() });
const userWithRoles = userSchema.extend({
  roles: z.array(z.object({ id: z.uuid(), name: z.string() })),
});

export const userRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/users',
    summary: 'List users, optionally searched by email or name',
    tags,
    permission: 'users:read',
    query: pageQuery.extend({
      q: z.string().trim().min(1).max(200).optional().describe('Part of an email or name.'),
      status: z.enum(['invited', 'active', 'deactivated']).optional(),
    }),
    responses: {
      200: {
        description: 'A page of users',
        schema: z.object({ items: z.array(userSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listUsers(
          trx,
          actorOf(ctx).tenantId,
          query,
          query.limit,
          decodeCursor(query.cursor, { after: 'text' }),
        ),
      );
      return { body: toPage(rows, query.limit, (u) => ({ after: u.email, id: u.id }), toUserView) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users',
    summary: 'Invite a user: they get an accept link by e-mail (the token is also returned, once)',
    tags,
    permission: 'users:invite',
    body: inviteBody,
    responses: {
      201: { description: 'Invited', schema: inviteResponse },
      403: { description: 'A role you cannot give, or the tier’s user limit (quota_exceeded)' },
      409: { description: 'The email is already a user' },
    },
    handler: async (ctx, { body }) => ({ status: 201, body: await inviteUser(ctx, body) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/invitation',
    summary: 'Mail an invited user a fresh accept link (the one sent before stops working)',
    tags,
    permission: 'users:invite',
    params: idParams,
    responses: {
      200: { description: 'Mail queued', schema: resentSchema },
      404: { description: 'No such user' },
      409: { description: 'The user has no open invitation' },
    },
    handler: async (ctx, { params }) => ({ body: await resendInvitation(ctx, params.id) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/users/{id}/invitation',
    summary:
      'Revoke an invitation not yet accepted: its link stops working, the user is deactivated',
    tags,
    permission: 'users:invite',
    params: idParams,
    responses: {
      204: { description: 'Revoked' },
      404: { description: 'No such user' },
      409: { description: 'The user has no open invitation' },
    },
    handler: async (ctx, { params }) => {
      await revokeInvitation(ctx, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    // The token travels in the body, never in a URL a log or a proxy would keep.
    path: '/v1/invitations/accept',
    summary: 'Accept an invitation with a password, and sign in',
    tags,
    permission: null,
    body: acceptBody,
    responses: {
      200: { description: 'Signed in', schema: acceptResponse },
      404: { description: 'Unknown, expired or already used' },
    },
    handler: async (ctx, { body, headers }) => {
      const signedIn = await acceptInvitation(ctx, body);
      return deliverTokens(ctx, headers, signedIn.tenant.id, signedIn);
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/users/{id}',
    summary: 'A user, with their roles',
    tags,
    permission: 'users:read',
    params: idParams,
    responses: {
      200: { description: 'The user', schema: userWithRoles },
      404: { description: 'No such user' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const found = await withTenant(actorScope(ctx), async (trx) => {
        const user = await findUserById(trx, tenantId, params.id);
        return user && { user, roles: await rolesOfUser(trx, tenantId, user.id) };
      });
      if (!found) throw notFound('user');
      return {
        body: {
          ...toUserView(found.user),
          roles: found.roles.map((r) => ({ id: r.id, name: r.name })),
        },
      };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/users/{id}',
    summary: 'Change a user’s name',
    tags,
    permission: 'users:update',
    params: idParams,
    body: z.object({ name: nameSchema }),
    responses: {
      200: { description: 'The user', schema: userSchema },
      404: { description: 'No such user' },
    },
    handler: async (ctx, { params, body }) => {
      const user = await withTenant(actorScope(ctx), (trx) =>
        renameUser(trx, actorOf(ctx).tenantId, params.id, body.name),
      );
      if (!user) throw notFound('user');
      return { body: toUserView(user) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/users/{id}',
    summary: 'Deactivate a user: sessions and API keys revoked, history kept',
    tags,
    permission: 'users:deactivate',
    params: idParams,
    responses: {
      204: { description: 'Deactivated' },
      403: { description: 'The user holds a permission you lack' },
      404: { description: 'No such user' },
      409: { description: 'The last owner cannot be deactivated' },
    },
    handler: async (ctx, { params }) => {
      await deactivateUser(ctx, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/reactivate',
    summary: 'Reactivate a deactivated user (their old sessions and keys stay revoked)',
    tags,
    permission: 'users:deactivate',
    params: idParams,
    responses: {
      204: { description: 'Active again' },
      403: { description: 'The user holds a permission you lack, or the tier’s user limit' },
      404: { description: 'No such user' },
    },
    handler: async (ctx, { params }) => {
      await reactivateUser(ctx, params.id);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/erase',
    summary:
      'Erase a person: their name and address become a pseudonym everywhere, their credentials and keys go (owners; or yourself, with your password)',
    tags,
    // Everyone holds it, even while the tenant is read-only: erasure is a person's right
    // (eraseUser checks who may erase whom).
    permission: 'profile:read',
    params: idParams,
    body: eraseBody,
    responses: {
      200: {
        description: 'Erased: the pseudonym, and how many rows named them, per table',
        schema: z.object({ user: userSchema, replaced: z.record(z.string(), z.number()) }),
      },
      400: { description: 'Erasing yourself needs your password' },
      403: { description: 'Only an owner erases another person' },
      404: { description: 'No such user' },
      409: { description: 'The last owner cannot be erased' },
    },
    handler: async (ctx, { params, body }) => ({ body: await eraseUser(ctx, params.id, body) }),
  }),
];
