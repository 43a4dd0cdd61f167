import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';

export interface RateLimitResult {
  limit: number;
  hits: number;
  resetAt: Date;
}

/**
 * Fixed-window counters in PostgreSQL, shared by every instance. PostgreSQL rather than
 * the Redis these machines also run: it is already there in every deployment (Cloud Run
 * would need Memorystore and a VPC connector for Redis), and for authenticated calls the
 * count rides in the same statement as the credential check, so it costs no round trip.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowSeconds: number,
  cost = 1,
) {
  const { rows } = await sql<{ hits: number; reset_at: Date }>`
    select hits, reset_at from rate_limit_hit(${key}, ${windowSeconds}, ${cost})`.execute(db);
  const row = rows[0];
  if (!row) throw new Error('rate_limit_hit returned nothing');
  return { limit, hits: row.hits, resetAt: row.reset_at };
}

/** `RateLimit-Policy` and `RateLimit` (IETF httpapi ratelimit-headers draft). */
export function rateLimitHeaders(
  result: RateLimitResult,
  windowSeconds: number,
  policy = 'default',
) {
  const remaining = Math.max(0, result.limit - result.hits);
  const reset = Math.max(0, Math.ceil((result.resetAt.getTime() - Date.now()) / 1000));
  return {
    'ratelimit-policy': `"${policy}";q=${result.limit};w=${windowSeconds}`,
    ratelimit: `"${policy}";r=${remaining};t=${reset}`,
  };
}

/** Throws the 429 when the window is used up; returns the headers for the response otherwise. */
export function enforceRateLimit(
  result: RateLimitResult,
  windowSeconds: number,
  policy = 'default',
) {
  const headers: Record<string, string> = rateLimitHeaders(result, windowSeconds, policy);
  if (result.hits > result.limit) {
    const retryAfter = Math.max(1, Math.ceil((result.resetAt.getTime() - Date.now()) / 1000));
    throw new AppError(
      'rate_limited',
      `Rate limit of ${result.limit} requests per ${windowSeconds} s reached.`,
      {
        headers: { ...headers, 'retry-after': String(retryAfter) },
      },
    );
  }
  return headers;
}
