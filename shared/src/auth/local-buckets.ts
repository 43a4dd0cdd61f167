import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import type { Logger } from '../logging/logger.ts';
import type { RateLimitResult } from './rate-limit.ts';

/** How often this instance's spends reach the shared buckets in PostgreSQL. */
export const FLUSH_INTERVAL_MS = 1000;
/** A bucket nobody spent from this long is forgotten (the next take reads PostgreSQL). */
const IDLE_MS = 60_000;
/**
 * What one instance may let through between flushes, as a share of the hourly budget (at
 * least 10): past it, each request takes from PostgreSQL itself until the next flush. So N
 * instances overshoot by N slices at most, however full the bucket they were seeded from.
 */
const sliceOf = (capacity: number) => Math.max(10, Math.ceil(capacity / 100));

interface Bucket {
  capacity: number;
  windowSeconds: number;
  /** Tokens as this instance believes them now: the shared count at the last sync, refilled, less local spends. */
  tokens: number;
  at: number;
  /** Spent here and not yet written to PostgreSQL. */
  unflushed: number;
  usedAt: number;
}

/**
 * Token buckets counted in this instance's memory and written to the shared ones in
 * PostgreSQL (rate_limit_spend) at least every second, so a request needs no statement for
 * its rate limit. Each instance enforces against the shared count it last read plus its
 * own spends since, and lets at most a slice through between flushes: with N instances a
 * caller can overshoot by N slices, never more (docs/reliability.md). Only for budgets that
 * meter use; the budgets that guard against guessing (logins, anonymous callers) stay
 * strict in PostgreSQL.
 */
export class LocalBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #db: Db;
  readonly #log: Logger | undefined;
  readonly #now: () => number;
  #flushing: Promise<void> | undefined;
  #flushedAt: number;
  readonly #timer: NodeJS.Timeout;

  constructor(db: Db, options: { log?: Logger; now?: () => number } = {}) {
    this.#db = db;
    this.#log = options.log;
    this.#now = options.now ?? Date.now;
    this.#flushedAt = this.#now();
    // A function instance whose CPU is throttled between requests may not tick: each
    // take also flushes when a flush is due.
    this.#timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  has(key: string): boolean {
    return this.#buckets.has(key);
  }

  /** One token from a bucket this instance knows; undefined when it must ask PostgreSQL. */
  take(key: string, capacity: number, windowSeconds: number): RateLimitResult | undefined {
    const bucket = this.#buckets.get(key);
    if (!bucket || bucket.capacity !== capacity || bucket.windowSeconds !== windowSeconds)
      return undefined;
    if (bucket.unflushed >= sliceOf(capacity)) return undefined;
    const now = this.#now();
    this.#refill(bucket, now);
    bucket.usedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) {
      bucket.tokens -= 1;
      bucket.unflushed += 1;
    }
    if (now - this.#flushedAt >= FLUSH_INTERVAL_MS) void this.flush();
    return resultOf(bucket, allowed);
  }

  /**
   * What PostgreSQL answered for a take it made itself: the bucket's shared count, less
   * what this instance spent and has not written yet. Returns that take as the caller is
   * told it: with what remains by this instance's count, which knows those spends too.
   */
  seed(key: string, capacity: number, windowSeconds: number, taken: RateLimitResult) {
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (bucket && bucket.capacity === capacity && bucket.windowSeconds === windowSeconds) {
      this.#learn(bucket, taken.remaining, now);
      bucket.usedAt = now;
    } else {
      const unflushed = bucket?.unflushed ?? 0;
      bucket = {
        capacity,
        windowSeconds,
        tokens: taken.remaining - unflushed,
        at: now,
        unflushed,
        usedAt: now,
      };
      this.#buckets.set(key, bucket);
    }
    return { ...resultOf(bucket, taken.allowed), retryAfterSeconds: taken.retryAfterSeconds };
  }

  /** Writes every bucket's local spends to PostgreSQL and reads back the shared counts. */
  flush(): Promise<void> {
    this.#flushing ??= this.#flushAll().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async close() {
    clearInterval(this.#timer);
    await this.flush();
  }

  async #flushAll() {
    this.#flushedAt = this.#now();
    const due = [...this.#buckets.entries()].filter(([key, bucket]) => {
      if (bucket.unflushed > 0) return true;
      if (this.#flushedAt - bucket.usedAt > IDLE_MS) this.#buckets.delete(key);
      return false;
    });
    if (due.length === 0) return;
    const spends = due.map(([key, bucket]) => ({ key, bucket, spent: bucket.unflushed }));
    for (const spend of spends) spend.bucket.unflushed -= spend.spent;
    try {
      const { rows } = await sql<{ key: string; tokens: number }>`
        select s.key, rate_limit_spend(s.key, s.capacity, s.window_seconds, s.spent) as tokens
          from unnest(${spends.map((s) => s.key)}::text[],
                      ${spends.map((s) => s.bucket.capacity)}::int[],
                      ${spends.map((s) => s.bucket.windowSeconds)}::int[],
                      ${spends.map((s) => s.spent)}::int[])
               as s(key, capacity, window_seconds, spent)`.execute(this.#db);
      const now = this.#now();
      for (const row of rows) {
        const bucket = this.#buckets.get(row.key);
        if (bucket) this.#learn(bucket, row.tokens, now);
      }
    } catch (error) {
      // Kept for the next flush: nothing spent is forgotten while PostgreSQL is away.
      for (const spend of spends) spend.bucket.unflushed += spend.spent;
      this.#log?.warn('rate limit flush failed', { error });
    }
  }

  /**
   * A shared count read from PostgreSQL, less the spends made here since (they are not in
   * it), replaces this instance's belief only when it is lower. Both are counts from above:
   * the belief misses other instances' spends, and an answer read while a flush was on its
   * way misses that flush's spends, which are no longer counted as unwritten here. Taking
   * the lower keeps a caller's remaining budget from rising between two requests.
   */
  #learn(bucket: Bucket, sharedRemaining: number, now: number) {
    this.#refill(bucket, now);
    bucket.tokens = Math.min(bucket.tokens, sharedRemaining - bucket.unflushed);
  }

  #refill(bucket: Bucket, now: number) {
    const rate = bucket.capacity / bucket.windowSeconds / 1000;
    bucket.tokens = Math.min(bucket.capacity, bucket.tokens + (now - bucket.at) * rate);
    bucket.at = now;
  }
}

function resultOf(bucket: Bucket, allowed: boolean): RateLimitResult {
  const perSecond = bucket.capacity / bucket.windowSeconds;
  const tokens = Math.max(0, bucket.tokens);
  return {
    limit: bucket.capacity,
    allowed,
    remaining: Math.floor(tokens),
    retryAfterSeconds: allowed ? 0 : Math.ceil((1 - bucket.tokens) / perSecond),
    resetSeconds: Math.ceil((bucket.capacity - bucket.tokens) / perSecond),
  };
}
