import { defineRoute } from '@devctx/shared';
import { verifyBody, verifyEmail } from '../me/email-address.ts';
import { userSchema } from '../users/representation.ts';
import { login, loginBody, loginResponse } from './login.ts';
import { logout } from './logout.ts';
import {
  confirmPasswordReset,
  requestPasswordReset,
  resetConfirmBody,
  resetRequestBody,
  resetRequestedSchema,
} from './password-reset.ts';
import { refresh, refreshBody } from './refresh.ts';
import { clearedRefreshCookie, deliverTokens, refreshTokenFromCookie } from './refresh-cookie.ts';
import { tokenPairSchema } from './sessions.ts';
import { signup, signupBody, signupResponse } from './signup.ts';

const tags = ['auth'];

export const authRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/auth/signup',
    summary: 'Create a tenant and its owner, and sign in',
    tags,
    permission: null,
    body: signupBody,
    responses: {
      201: { description: 'Tenant created; the owner is signed in', schema: signupResponse },
      409: { description: 'The slug is taken' },
    },
    handler: async (ctx, { body, headers }) => {
      const signedIn = await signup(ctx, body);
      return { status: 201, ...deliverTokens(ctx, headers, signedIn.tenant.id, signedIn) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/login',
    summary: 'Sign in with tenant slug, email and password',
    tags,
    permission: null,
    body: loginBody,
    responses: {
      200: { description: 'Signed in', schema: loginResponse },
      401: { description: 'Wrong tenant, email or password (one answer for all three)' },
      429: { description: 'Too many failures for this account from this address' },
    },
    handler: async (ctx, { body, headers }) => {
      const signedIn = await login(ctx, body);
      return deliverTokens(ctx, headers, signedIn.tenant.id, signedIn);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/refresh',
    summary: 'Exchange a refresh token for a new token pair (rotation)',
    tags,
    permission: null,
    changesCredentials: true,
    // Its own budgets, per session and per failing IP (refresh.ts), not the shared one.
    rateLimit: false,
    body: refreshBody,
    responses: {
      200: { description: 'New token pair', schema: tokenPairSchema },
      401: { description: 'Invalid, expired or revoked; a reused token revokes its session' },
      429: { description: 'Too many refreshes of this session, or failures from this address' },
    },
    handler: async (ctx, { body, headers }) => {
      const presented = body.tenantId
        ? refreshTokenFromCookie(headers, body.tenantId)
        : body.refreshToken;
      const { tenantId, tokens } = await refresh(ctx, presented, body.tenantId);
      return deliverTokens(ctx, headers, tenantId, tokens);
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/password-reset',
    summary:
      'Ask for a link to choose a new password, by e-mail (the same answer whether or not the address exists)',
    tags,
    permission: null,
    body: resetRequestBody,
    responses: {
      202: { description: 'Accepted', schema: resetRequestedSchema },
      429: { description: 'Too many requests for this address, or from this IP' },
    },
    handler: async (ctx, { body }) => ({
      status: 202,
      body: await requestPasswordReset(ctx, body),
    }),
  }),
  defineRoute({
    method: 'POST',
    // The token travels in the body, never in a URL a log or a proxy would keep.
    path: '/v1/auth/password-reset/confirm',
    summary: 'Choose a new password with the mailed link’s token; every session of the user ends',
    tags,
    permission: null,
    changesCredentials: true,
    body: resetConfirmBody,
    responses: {
      204: { description: 'The password is changed; sign in with it' },
      404: { description: 'Unknown, expired or already used' },
    },
    handler: async (ctx, { body }) => {
      await confirmPasswordReset(ctx, body);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    // Like the reset, the token travels in the body.
    path: '/v1/auth/verify-email',
    summary: 'Verify an e-mail address with the mailed link’s token',
    tags,
    permission: null,
    changesCredentials: true,
    body: verifyBody,
    responses: {
      200: { description: 'The user, address verified', schema: userSchema },
      404: { description: 'Unknown, expired, already used, or for an address changed since' },
    },
    handler: async (ctx, { body }) => ({ body: await verifyEmail(ctx, body) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/auth/logout',
    summary: 'End the current sign-in session',
    tags,
    permission: 'profile:read',
    responses: { 204: { description: 'Signed out' } },
    handler: async (ctx, { headers }) => {
      await logout(ctx);
      // A browser's refresh cookie for this tenant goes too (its token is already revoked).
      const tenantId = ctx.actor?.tenantId;
      return {
        status: 204,
        ...(tenantId && {
          headers: { 'set-cookie': clearedRefreshCookie(ctx, headers, tenantId) },
        }),
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/.well-known/jwks.json',
    summary: 'Public keys that verify access tokens',
    tags,
    permission: null,
    rateLimit: false,
    responses: { 200: { description: 'JSON Web Key Set' } },
    handler: async (ctx) => ({
      body: await ctx.tokens.jwks(),
      headers: { 'cache-control': 'public, max-age=300' },
    }),
  }),
];
