import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBuckets } from '../src/auth/local-buckets.ts';
import { takeRateLimit } from '../src/auth/rate-limit.ts';
import { createDatabase, createLogger, type DatabaseHandle } from '../src/index.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/index.ts';

// A budget of 1,000 over about four months: it refills by one token in ~3 hours, so every
// count below is exact.
const CAPACITY = 1000;
const WINDOW = 10_000_000;

let database: TestDatabase;
let handle: DatabaseHandle;

beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDatabase({
    url: database.appUrl,
    poolMax: 4,
    statementTimeoutMs: 10_000,
    log: createLogger('silent'),
  });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const sharedTokens = async (key: string) =>
  (
    await adminQuery<{ tokens: number }>(
      database.adminUrl,
      'select tokens from rate_limit_buckets where key = $1',
      [key],
    )
  )[0]?.tokens;

describe('an hourly budget counted in memory', () => {
  it('never shows a caller more budget than the request before, when a take from PostgreSQL answers while a flush is on its way', async () => {
    const key = 'user:flush-race';
    const buckets = new LocalBuckets(handle.db);
    const locker = new pg.Client({ connectionString: database.adminUrl });
    await locker.connect();
    try {
      const first = await takeRateLimit(handle.db, key, CAPACITY, WINDOW);
      buckets.seed(key, CAPACITY, WINDOW, first);
      // The flush of what follows waits on the shared row for its answer...
      await locker.query('begin');
      await locker.query('select 1 from rate_limit_buckets where key = $1 for update', [key]);
      const local = [1, 2, 3, 4, 5].map(() => buckets.take(key, CAPACITY, WINDOW)?.remaining);
      expect(local).toEqual([998, 997, 996, 995, 994]);
      const flushed = buckets.flush(); // takes the five off the unwritten count at once
      // ...while a take another request made from PostgreSQL comes back, counted without
      // those five: 1,000 less the first take and its own. The caller it answers is told
      // this instance's count, and so is the next.
      const told = buckets.seed(key, CAPACITY, WINDOW, { ...first, remaining: 998 });
      expect(told.remaining).toBeLessThanOrEqual(994);
      const during = buckets.take(key, CAPACITY, WINDOW)?.remaining;
      expect(during).toBeLessThanOrEqual(told.remaining);

      await locker.query('commit');
      await flushed;
      // The shared row now holds the first take and the five (the other take was only
      // pretended): the next answer agrees with it, and still never rises.
      await buckets.flush();
      const after = buckets.take(key, CAPACITY, WINDOW)?.remaining;
      expect(after).toBeLessThan(during ?? 0);
      await buckets.flush();
      expect(Math.floor((await sharedTokens(key)) ?? 0)).toBe(after);
    } finally {
      await locker.end();
      await buckets.close();
    }
  });

  it('learns from PostgreSQL what other instances spent', async () => {
    const key = 'user:two-instances';
    const one = new LocalBuckets(handle.db);
    const two = new LocalBuckets(handle.db);
    try {
      for (const buckets of [one, two]) {
        buckets.seed(key, CAPACITY, WINDOW, await takeRateLimit(handle.db, key, CAPACITY, WINDOW));
      }
      for (let i = 0; i < 7; i++) two.take(key, CAPACITY, WINDOW);
      await two.flush();
      // One flushes nothing of its own, but reads the shared count back on its next flush.
      one.take(key, CAPACITY, WINDOW);
      await one.flush();
      expect(one.take(key, CAPACITY, WINDOW)?.remaining).toBe(1000 - 2 - 7 - 2);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
