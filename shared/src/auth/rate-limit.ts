import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';

/** One take from a token bucket (sql/migrations/0016_token_bucket_rate_limits.sql). */
export interface RateLimitResult {
  /** Tokens the bucket holds when full, refilled over the window. */
  limit: number;
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
  /** Until the bucket is full again. */
  resetSeconds: number;
}

interface BucketRow {
  allowed: boolean;
  remaining: number;
  retry_after_seconds: number;
  reset_seconds: number;
}

export const bucketResult = (limit: number, row: BucketRow): RateLimitResult => ({
  limit,
  allowed: row.allowed,
  remaining: row.remaining,
  retryAfterSeconds: row.retry_after_seconds,
  resetSeconds: row.reset_seconds,
});

/**
 * Token buckets in PostgreSQL, shared by every instance. PostgreSQL rather than the Redis
 * these machines also run: it is already there in every deployment (Cloud Run would need
 * Memorystore and a VPC connector for Redis), and for authenticated calls the take rides
 * in the same statement as the credential check, so it costs no round trip. A cost of 0
 * takes nothing and says whether a cost of 1 would be allowed.
 */
export async function takeRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowSeconds: number,
  cost = 1,
): Promise<RateLimitResult> {
  const { rows } = await sql<BucketRow>`
    select * from rate_limit_take(${key}, ${limit}, ${windowSeconds}, ${cost})`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('rate_limit_take returned nothing');
  return bucketResult(limit, row);
}

/** `RateLimit-Policy` and `RateLimit` (IETF httpapi ratelimit-headers draft). */
export function rateLimitHeaders(
  result: RateLimitResult,
  windowSeconds: number,
  policy = 'default',
) {
  return {
    'ratelimit-policy': `"${policy}";q=${result.limit};w=${windowSeconds}`,
    ratelimit: `"${policy}";r=${result.remaining};t=${result.resetSeconds}`,
  };
}

/** Throws the 429 when the bucket is empty; returns the headers for the response otherwise. */
export function enforceRateLimit(
  result: RateLimitResult,
  windowSeconds: number,
  policy = 'default',
) {
  const headers: Record<string, string> = rateLimitHeaders(result, windowSeconds, policy);
  if (!result.allowed) {
    throw new AppError(
      'rate_limited',
      `Rate limit of ${result.limit} requests per ${windowSeconds} s reached.`,
      {
        headers: { ...headers, 'retry-after': String(Math.max(1, result.retryAfterSeconds)) },
      },
    );
  }
  return headers;
}

/**
 * A budget of failures (wrong passwords, dead tokens): checked before the attempt (429
 * while it is empty) and spent only when the attempt fails, so success costs nothing.
 */
export function failureBudget(
  db: Db,
  bucket: { key: string; limit: number; windowSeconds: number; policy: string },
) {
  return {
    check: async () => {
      const left = await takeRateLimit(db, bucket.key, bucket.limit, bucket.windowSeconds, 0);
      enforceRateLimit(left, bucket.windowSeconds, bucket.policy);
    },
    spend: () => takeRateLimit(db, bucket.key, bucket.limit, bucket.windowSeconds, 1),
  };
}

/** The bucket of a user's hourly request budget, shared by their sessions and keys. */
export const userBudgetKey = (userId: string) => `user:${userId}`;
