import { createOpaqueToken, type RequestContext, type Trx } from '@devctx/shared';
import { z } from 'zod';
import { tenantColumns, tenantSchema, toTenantView } from '../tenant/representation.ts';
import { toUserView, userSchema } from '../users/representation.ts';

export const tokenPairSchema = z.object({
  accessToken: z.string().describe('ES256 JWT; send as Authorization: Bearer.'),
  refreshToken: z
    .string()
    .optional()
    .describe(
      'Opaque; exchange at POST /v1/auth/refresh. Single use. Absent when the request sent ' +
        '`devctx-refresh-cookie: 1`: it is then set as an HttpOnly cookie instead.',
    ),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('Seconds until the access token expires.'),
});
export type TokenPair = z.infer<typeof tokenPairSchema>;

/** Starts a sign-in session (a refresh-token family) and returns its first token pair. */
export async function startSession(
  trx: Trx,
  ctx: RequestContext,
  tenantId: string,
  userId: string,
): Promise<TokenPair & { sessionId: string }> {
  const now = Date.now();
  const session = await trx
    .insertInto('auth_sessions')
    .values({
      tenant_id: tenantId,
      user_id: userId,
      expires_at: new Date(now + ctx.config.REFRESH_TOKEN_TTL_SECONDS * 1000),
      idle_expires_at: new Date(now + ctx.config.REFRESH_IDLE_TTL_SECONDS * 1000),
      ip: ctx.ip,
      user_agent: ctx.userAgent?.slice(0, 500) ?? null,
      revoked_at: null,
      revoked_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const pair = await issueTokens(trx, ctx, tenantId, userId, session.id);
  return { ...pair, sessionId: session.id };
}

/** A new refresh token in the session's family, and an access token bound to the session. */
export async function issueTokens(
  trx: Trx,
  ctx: RequestContext,
  tenantId: string,
  userId: string,
  sessionId: string,
): Promise<TokenPair> {
  const refresh = createOpaqueToken('rt', tenantId);
  await trx
    .insertInto('refresh_tokens')
    .values({ tenant_id: tenantId, session_id: sessionId, token_hash: refresh.hash, used_at: null })
    .execute();
  const accessToken = await ctx.tokens.sign({ tenantId, userId, sessionId });
  return {
    accessToken,
    refreshToken: refresh.token,
    tokenType: 'Bearer',
    expiresIn: ctx.tokens.ttlSeconds,
  };
}

export async function revokeSessions(
  trx: Trx,
  tenantId: string,
  where: { userId: string; exceptSessionId?: string | undefined } | { sessionId: string },
  reason: string,
): Promise<number> {
  let query = trx
    .updateTable('auth_sessions')
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where('tenant_id', '=', tenantId)
    .where('revoked_at', 'is', null);
  if ('sessionId' in where) {
    query = query.where('id', '=', where.sessionId);
  } else {
    query = query.where('user_id', '=', where.userId);
    if (where.exceptSessionId) query = query.where('id', '!=', where.exceptSessionId);
  }
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export const signedInSchema = tokenPairSchema.extend({ tenant: tenantSchema, user: userSchema });

/** What signup, login and invitation acceptance answer: a new session's tokens, tenant, user. */
export async function signIn(
  trx: Trx,
  ctx: RequestContext,
  tenantId: string,
  user: Parameters<typeof toUserView>[0],
): Promise<{ sessionId: string; response: z.infer<typeof signedInSchema> }> {
  const { sessionId, ...pair } = await startSession(trx, ctx, tenantId, user.id);
  const tenant = await trx
    .selectFrom('tenants')
    .select(tenantColumns)
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return { sessionId, response: { ...pair, tenant: toTenantView(tenant), user: toUserView(user) } };
}
