import type { IncomingMessage } from 'node:http';
import { sql } from 'kysely';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { Actor, RequestContext, WithheldReason } from '../http/route.ts';
import type { Logger } from '../logging/logger.ts';
import { AuthCache, type Stamp } from './auth-cache.ts';
import type { AccessTokens } from './jwt.ts';
import { LocalBuckets } from './local-buckets.ts';
import { parseOpaqueToken } from './opaque-tokens.ts';
import { effectivePermissions, splitWrites } from './permissions.ts';
import {
  bucketResult,
  enforceRateLimit,
  type RateLimitResult,
  takeRateLimit,
  userBudgetKey,
} from './rate-limit.ts';

const HOUR = 3600;

export interface GuardResult {
  actor: Actor;
  headers: Record<string, string>;
}

/** Authentication and rate limiting, as the request pipeline calls them. */
export interface Guard {
  authenticate(req: IncomingMessage, ctx: RequestContext): Promise<GuardResult>;
  limitAnonymous(ctx: RequestContext): Promise<Record<string, string>>;
  /**
   * One more request from an authenticated caller's hourly budget, for work a request does
   * on the caller's behalf beyond its own (each API call an MCP tool makes), so one request
   * cannot do the work of hundreds for the price of one. 429 when the budget is spent.
   */
  charge(actor: Actor): Promise<void>;
  /**
   * After a write: what it changed may be what authentication reads (a revoked key, a
   * role), so cached authentications of its tenant (of every tenant, for a write without
   * one) are dropped on this instance.
   */
  forget(tenantId: string | undefined): void;
  /** Cached authentications (auth-changes.ts drops them on other instances' changes). */
  cache: AuthCache<Actor>;
  /** Writes the hourly budgets' local spends to PostgreSQL; on shutdown. */
  close(): Promise<void>;
}

interface AuthRow {
  user_id: string;
  api_key_id: string | null;
  system_roles: string[];
  custom_permissions: string[];
  key_permissions: string[] | null;
  requests_per_hour: number;
  writes_withheld: WithheldReason | null;
  valid_until: Date | null;
}
type BucketColumns = Parameters<typeof bucketResult>[1];

const invalid = () =>
  new AppError('unauthenticated', 'The credentials are invalid, expired or revoked.', {
    headers: { 'www-authenticate': 'Bearer' },
  });

export function createGuard(deps: {
  db: Db;
  tokens: AccessTokens;
  config: Config;
  log?: Logger;
  now?: () => number;
}): Guard {
  const cache = new AuthCache<Actor>(deps.config.AUTH_CACHE_SECONDS, deps.now);
  // Counted in memory only with the cache on: AUTH_CACHE_SECONDS=0 keeps every check exact.
  const budgets = cache.enabled ? new LocalBuckets(deps.db, deps) : undefined;
  const budgetKey = (actor: Actor) => userBudgetKey(actor.userId);

  /** The credential checked against PostgreSQL, with a take from the budget when no local count exists. */
  async function check(
    credential: string,
  ): Promise<{ actor: Actor; taken?: RateLimitResult; notAfter: number; stamp: Stamp }> {
    let tenantId: string;
    let sessionId: string | null = null;
    let userId: string | null = null;
    let keyHash: Buffer | null = null;
    let notAfter = Number.POSITIVE_INFINITY;
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
      notAfter = claims.expiresAt;
    }
    const stamp = cache.stamp(tenantId);
    const caller = sql`authenticate_caller_until(${tenantId}::uuid, ${sessionId}::uuid, ${userId}::uuid, ${keyHash}::bytea)`;
    // One statement: credential still valid (a session only for the user the token
    // names), user active, current roles, and (unless this instance counts the budget
    // itself) a take from this user's hourly budget.
    const counted = userId !== null && budgets?.has(userBudgetKey(userId));
    const { rows } = counted
      ? await sql<AuthRow>`select * from ${caller}`.execute(deps.db)
      : await sql<AuthRow & BucketColumns>`
          select a.*, r.* from ${caller} a
            cross join lateral rate_limit_take(${userBudgetKey('')} || a.user_id::text, a.requests_per_hour, ${HOUR}) r`.execute(
          deps.db,
        );
    const row = rows[0];
    if (!row) throw invalid();
    const actor = actorOf(row, tenantId, sessionId);
    if (row.valid_until) notAfter = Math.min(notAfter, row.valid_until.getTime());
    if (counted) return { actor, notAfter, stamp };
    const shared = bucketResult(row.requests_per_hour, row as unknown as BucketColumns);
    const taken = budgets?.seed(budgetKey(actor), row.requests_per_hour, HOUR, shared) ?? shared;
    return { actor, taken, notAfter, stamp };
  }

  return {
    cache,
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
      const key = cache.enabled ? AuthCache.keyOf(credential) : '';
      let actor = cache.get(key);
      let taken: RateLimitResult | undefined;
      if (!actor) {
        const checked = await check(credential);
        actor = checked.actor;
        taken = checked.taken;
        cache.set(key, actor.tenantId, actor, checked.stamp, checked.notAfter);
      }
      taken ??= await takeBudget(actor);
      const headers = enforceRateLimit(taken, HOUR);
      return { actor, headers };
    },

    forget(tenantId) {
      if (tenantId) cache.dropTenant(tenantId);
      else cache.clear();
    },

    async close() {
      await budgets?.close();
    },

    async charge(actor) {
      enforceRateLimit(await takeBudget(actor), HOUR);
    },

    async limitAnonymous(ctx) {
      const limit = deps.config.RATE_LIMIT_ANONYMOUS_PER_HOUR;
      const result = await takeRateLimit(deps.db, `ip:${ctx.ip}`, limit, HOUR);
      return enforceRateLimit(result, HOUR, 'anonymous');
    },
  };

  /** A take from the caller's hourly budget: counted here when this instance knows it. */
  async function takeBudget(actor: Actor): Promise<RateLimitResult> {
    const limit = actor.requestsPerHour ?? 0;
    const local = budgets?.take(budgetKey(actor), limit, HOUR);
    if (local) return local;
    const taken = await takeRateLimit(deps.db, budgetKey(actor), limit, HOUR);
    // Told by this instance's count: PostgreSQL's misses the spends not yet written.
    return budgets?.seed(budgetKey(actor), limit, HOUR, taken) ?? taken;
  }
}

function actorOf(row: AuthRow, tenantId: string, sessionId: string | null): Actor {
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
  // Frozen: the same object serves every request the cache answers.
  return Object.freeze({
    kind: row.api_key_id ? 'api_key' : 'user',
    tenantId,
    userId: row.user_id,
    sessionId: sessionId ?? undefined,
    apiKeyId: row.api_key_id ?? undefined,
    permissions,
    requestsPerHour: row.requests_per_hour,
    withheld,
  });
}
