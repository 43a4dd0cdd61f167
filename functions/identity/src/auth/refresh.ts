import {
  AppError,
  enforceRateLimit,
  failureBudget,
  parseOpaqueToken,
  type RequestContext,
  recordAudit,
  type Trx,
  takeRateLimit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { issueTokens, revokeSessions, type TokenPair } from './sessions.ts';

export const refreshBody = z
  .object({
    refreshToken: z.string().min(1).max(200).optional(),
    tenantId: z
      .uuid()
      .optional()
      .describe('With `devctx-refresh-cookie: 1`: refresh with this tenant’s cookie.'),
  })
  .refine((b) => (b.refreshToken === undefined) !== (b.tenantId === undefined), {
    message: 'Send refreshToken, or tenantId with the devctx-refresh-cookie header.',
  });

const rejected = () =>
  new AppError('unauthenticated', 'The refresh token is invalid, expired or revoked.');

const HOUR = 3600;
/** Refreshes a session may make per hour: many tabs, never a flood. */
const REFRESHES_PER_SESSION = 120;
/**
 * A token spent this recently may be shown once more without it counting as theft: two
 * tabs (or a retried request) that refresh with the same token at the same moment. The
 * second gets a token pair of its own (as Auth0's reuse interval does).
 */
const REUSE_GRACE_SECONDS = 30;

/**
 * Refresh has budgets of its own rather than sharing the per-IP anonymous one, where one
 * noisy client behind a NAT would stop everybody's refresh: per session for valid tokens,
 * and per IP only for tokens that fail (the guessing an attacker would do).
 */
const failures = (ctx: RequestContext) =>
  failureBudget(ctx.db, {
    key: `refresh-failures:${ctx.ip}`,
    limit: ctx.config.RATE_LIMIT_ANONYMOUS_PER_HOUR,
    windowSeconds: HOUR,
    policy: 'refresh',
  });

/**
 * Rotates the refresh token: the presented one is spent, a new one is issued in the same
 * family. A spent token shown again means it was stolen or replayed: the whole family
 * (the session) is revoked, and that revocation is committed before the 401 goes out.
 * A token from a tenant's cookie must be that tenant's.
 */
export async function refresh(
  ctx: RequestContext,
  presented: string | undefined,
  expectedTenantId?: string,
): Promise<{ tenantId: string; tokens: TokenPair }> {
  const failed = failures(ctx);
  await failed.check();
  const token = presented ? parseOpaqueToken(presented, 'rt') : undefined;
  if (!token || (expectedTenantId && token.tenantId !== expectedTenantId)) {
    await failed.spend();
    throw rejected();
  }
  const { tenantId } = token;

  const outcome = await withTenant({ db: ctx.db, tenantId }, async (trx) => {
    const row = await trx
      .selectFrom('refresh_tokens as rt')
      .innerJoin('auth_sessions as s', (j) =>
        j.onRef('s.tenant_id', '=', 'rt.tenant_id').onRef('s.id', '=', 'rt.session_id'),
      )
      .innerJoin('users as u', (j) =>
        j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'),
      )
      .select([
        'rt.id',
        'rt.used_at',
        's.id as session_id',
        's.user_id',
        's.revoked_at',
        's.expires_at',
        's.idle_expires_at',
        'u.status',
      ])
      .where('rt.tenant_id', '=', tenantId)
      .where('rt.token_hash', '=', token.hash)
      .forUpdate('rt')
      .executeTakeFirst();
    if (!row) return { kind: 'rejected' as const };
    enforceRateLimit(
      await takeRateLimit(trx, `refresh:${row.session_id}`, REFRESHES_PER_SESSION, HOUR),
      HOUR,
      'refresh',
    );

    if (row.used_at && !(await isConcurrentRefresh(trx, tenantId, row))) {
      const revoked = await revokeSessions(
        trx,
        tenantId,
        { sessionId: row.session_id },
        'refresh_token_reused',
      );
      if (revoked > 0) {
        await recordAudit(trx, ctx, tenantId, {
          action: 'token_family.revoked',
          actorUserId: row.user_id,
          targetType: 'session',
          targetId: row.session_id,
          details: { reason: 'refresh_token_reused' },
        });
      }
      return { kind: 'rejected' as const };
    }
    const now = new Date();
    if (
      row.revoked_at ||
      row.expires_at <= now ||
      row.idle_expires_at <= now ||
      row.status !== 'active'
    ) {
      return { kind: 'rejected' as const };
    }

    if (!row.used_at) {
      await trx
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', row.id)
        .execute();
    }
    const idle = new Date(
      Math.min(
        now.getTime() + ctx.config.REFRESH_IDLE_TTL_SECONDS * 1000,
        row.expires_at.getTime(),
      ),
    );
    await trx
      .updateTable('auth_sessions')
      .set({ last_used_at: now, idle_expires_at: idle })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', row.session_id)
      .execute();
    return {
      kind: 'issued' as const,
      tokens: await issueTokens(trx, ctx, tenantId, row.user_id, row.session_id),
    };
  });

  if (outcome.kind === 'rejected') {
    await failed.spend();
    throw rejected();
  }
  return { tenantId, tokens: outcome.tokens };
}

/**
 * A spent token shown again within the grace period, while it is still the session's most
 * recently spent one: a concurrent refresh, not a replay. The session must then pass the
 * same checks as any refresh (not revoked, not expired, user active).
 */
async function isConcurrentRefresh(
  trx: Trx,
  tenantId: string,
  token: { used_at: Date | null; session_id: string },
): Promise<boolean> {
  if (!token.used_at) return false;
  if (Date.now() - token.used_at.getTime() > REUSE_GRACE_SECONDS * 1000) return false;
  const later = await trx
    .selectFrom('refresh_tokens')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', token.session_id)
    .where('used_at', '>', token.used_at)
    .executeTakeFirst();
  return later === undefined;
}
