import type { IncomingMessage } from 'node:http';
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { Actor, RequestContext, WithheldReason } from '../http/route.ts';
import type { AccessTokens } from './jwt.ts';
import { parseOpaqueToken } from './opaque-tokens.ts';
import { effectivePermissions, splitWrites } from './permissions.ts';
import { bucketResult, enforceRateLimit, takeRateLimit } from './rate-limit.ts';

const HOUR = 3600;

export interface GuardResult {
  actor: Actor;
  headers: Record<string, string>;
}

/** Authentication and rate limiting, as the request pipeline calls them. */
export interface Guard {
  authenticate(req: IncomingMessage, ctx: RequestContext): Promise<GuardResult>;
  limitAnonymous(ctx: RequestContext): Promise<Record<string, string>>;
}

interface AuthRow {
  user_id: string;
  api_key_id: string | null;
  system_roles: string[];
  custom_permissions: string[];
  key_permissions: string[] | null;
  requests_per_hour: number;
  allowed: boolean;
  remaining: number;
  retry_after_seconds: number;
  reset_seconds: number;
  writes_withheld: WithheldReason | null;
}

const invalid = () =>
  new AppError('unauthenticated', 'The credentials are invalid, expired or revoked.', {
    headers: { 'www-authenticate': 'Bearer' },
  });

export function createGuard(deps: { db: Db; tokens: AccessTokens; config: Config }): Guard {
  return {
    async authenticate(req) {
      const header = req.headers.authorization ?? '';
      const match = /^Bearer ([\w.~+/=-]+)$/i.exec(header);
      if (!match?.[1]) {
        throw new AppError(
          'unauthenticated',
          'Send Authorization: Bearer <access token or API key>.',
          {
            headers: { 'www-authenticate': 'Bearer' },
          },
        );
      }
      const credential = match[1];
      let tenantId: string;
      let sessionId: string | null = null;
      let userId: string | null = null;
      let keyHash: Buffer | null = null;
      if (credential.startsWith('dck_')) {
        const key = parseOpaqueToken(credential, 'dck');
        if (!key) throw invalid();
        tenantId = key.tenantId;
        keyHash = key.hash;
      } else {
        const claims = await deps.tokens.verify(credential);
        tenantId = claims.tenantId;
        sessionId = claims.sessionId;
        userId = claims.userId;
      }

      // One statement: credential still valid (a session only for the user the token
      // names), user active, current roles, and a take from this user's hourly budget.
      const { rows } = await sql<AuthRow>`
        select a.*, r.*
          from authenticate_caller(${tenantId}::uuid, ${sessionId}::uuid, ${userId}::uuid,
                                    ${keyHash}::bytea) a
          cross join lateral rate_limit_take('user:' || a.user_id::text, a.requests_per_hour, ${HOUR}) r`.execute(
        deps.db,
      );
      const row = rows[0];
      if (!row) throw invalid();

      const headers = enforceRateLimit(bucketResult(row.requests_per_hour, row), HOUR);
      let permissions = effectivePermissions(row.system_roles, row.custom_permissions);
      if (row.key_permissions) {
        const allowed = new Set(row.key_permissions);
        permissions = new Set([...permissions].filter((p) => allowed.has(p)));
      }
      let withheld: Actor['withheld'];
      if (row.writes_withheld) {
        const split = splitWrites(permissions, row.writes_withheld);
        permissions = split.kept;
        withheld = { reason: row.writes_withheld, permissions: split.withheld };
      }
      const actor: Actor = {
        kind: row.api_key_id ? 'api_key' : 'user',
        tenantId,
        userId: row.user_id,
        sessionId: sessionId ?? undefined,
        apiKeyId: row.api_key_id ?? undefined,
        permissions,
        requestsPerHour: row.requests_per_hour,
        withheld,
      };
      return { actor, headers };
    },

    async limitAnonymous(ctx) {
      const limit = deps.config.RATE_LIMIT_ANONYMOUS_PER_HOUR;
      const result = await takeRateLimit(deps.db, `ip:${ctx.ip}`, limit, HOUR);
      return enforceRateLimit(result, HOUR, 'anonymous');
    },
  };
}
