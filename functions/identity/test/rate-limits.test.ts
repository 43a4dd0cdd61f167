import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, PASSWORD, signup, startIdentity } from './support.ts';

// One proxy hop is trusted, so each test can speak from an address of its own.
let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity({
    // Every take exact in PostgreSQL here; the budget counted in memory with the
    // authentication cache on (the default) is tested in auth-cache.test.ts.
    AUTH_CACHE_SECONDS: '0',
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '4',
    TRUSTED_PROXY_HOPS: '1',
    LOGIN_FAILURES_PER_15_MIN: '3',
    LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: '5',
  });
});
afterAll(() => h.close());

const from = (ip: string) => ({ 'x-forwarded-for': ip });

describe('anonymous rate limit (per IP)', () => {
  it('counts down in the RateLimit headers, then answers 429 with Retry-After', async () => {
    const replies = [];
    for (let i = 0; i < 5; i++) {
      // A different email each time, so the per-account failure limit stays out of it.
      const body = { tenant: 'nobody', email: `a${i}@b.example`, password: 'whatever password' };
      replies.push(await h.anonymous.post('/v1/auth/login', body, from('203.0.113.7')));
    }
    expect(replies.slice(0, 4).map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(replies[0]?.headers.get('ratelimit-policy')).toBe('"anonymous";q=4;w=3600');
    expect(replies[0]?.headers.get('ratelimit')).toMatch(/^"anonymous";r=3;t=\d+$/);
    const limited = replies[4];
    expect(limited?.status).toBe(429);
    expect(limited?.body.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited?.headers.get('ratelimit')).toMatch(/^"anonymous";r=0;/);
    // Another address is not affected, nor are health checks.
    const other = { tenant: 'nobody', email: 'z@b.example', password: 'whatever password' };
    expect((await h.anonymous.post('/v1/auth/login', other, from('203.0.113.8'))).status).toBe(401);
    expect((await h.anonymous.get('/health', from('203.0.113.7'))).status).toBe(200);
  });

  it('a client cannot dodge the limit by writing its own X-Forwarded-For entries', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const body = { tenant: 'nobody', email: `x${i}@b.example`, password: 'whatever password' };
      statuses.push(
        (await h.anonymous.post('/v1/auth/login', body, from(`10.0.0.${i}, 198.51.100.9`))).status,
      );
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('is a token bucket: a refused request takes nothing, and tokens come back as time passes', async () => {
    const ip = '203.0.113.50';
    const attempt = (i: number) =>
      h.anonymous.post(
        '/v1/auth/login',
        { tenant: 'nobody', email: `r${i}@b.example`, password: 'whatever pw' },
        from(ip),
      );
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(i)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    // 4 per hour is one token per 15 minutes: turn the bucket's clock back by that much.
    await adminQuery(
      h.database.adminUrl,
      `update rate_limit_buckets set refilled_at = refilled_at - interval '15 minutes' where key = 'ip:${ip}'`,
    );
    expect((await attempt(7)).status).toBe(401);
    expect((await attempt(8)).status).toBe(429);
  });

  it('leaves token refresh alone: it has budgets of its own', async () => {
    const t = await signup(h.anonymous, 'refresher', from('100.64.0.1'));
    const ip = '203.0.113.60';
    for (let i = 0; i < 5; i++)
      await h.anonymous.post(
        '/v1/auth/login',
        { tenant: 'nobody', email: `f${i}@b.example`, password: 'whatever pw' },
        from(ip),
      );
    const refreshed = await h.anonymous.post(
      '/v1/auth/refresh',
      { refreshToken: t.refreshToken },
      from(ip),
    );
    expect(refreshed.status).toBe(200);
  });

  it('refuses an address that keeps presenting refresh tokens that do not work', async () => {
    const ip = '203.0.113.70';
    const statuses = [];
    for (let i = 0; i < 5; i++) {
      const forged = `rt_${'0'.repeat(32)}_${'a'.repeat(42)}${i}`;
      statuses.push(
        (await h.anonymous.post('/v1/auth/refresh', { refreshToken: forged }, from(ip))).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });
});

describe('login failures (per account and IP)', () => {
  it('lock the account for that address after too many failures, even with the right password', async () => {
    const t = await signup(h.anonymous, 'brute', from('100.64.0.2'));
    const wrong = { tenant: t.tenant.slug, email: t.user.email, password: 'wrong guess number' };
    for (let i = 0; i < 3; i++)
      expect((await h.anonymous.post('/v1/auth/login', wrong, from('192.0.2.1'))).status).toBe(401);
    const right = { ...wrong, password: PASSWORD };
    const locked = await h.anonymous.post('/v1/auth/login', right, from('192.0.2.1'));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBeTruthy();
    expect((await h.anonymous.post('/v1/auth/login', right, from('192.0.2.2'))).status).toBe(200);
  });

  it('lock the account for every address after too many failures spread over many addresses', async () => {
    const t = await signup(h.anonymous, 'spread', from('100.64.0.3'));
    const wrong = { tenant: t.tenant.slug, email: t.user.email, password: 'wrong guess number' };
    for (let i = 0; i < 5; i++)
      expect((await h.anonymous.post('/v1/auth/login', wrong, from(`198.18.0.${i}`))).status).toBe(
        401,
      );
    const right = { ...wrong, password: PASSWORD };
    const locked = await h.anonymous.post('/v1/auth/login', right, from('198.18.1.1'));
    expect(locked.status).toBe(429);
    // Another account is not affected.
    const other = await signup(h.anonymous, 'spread-other', from('100.64.0.4'));
    const fine = { tenant: other.tenant.slug, email: other.user.email, password: PASSWORD };
    expect((await h.anonymous.post('/v1/auth/login', fine, from('198.18.1.1'))).status).toBe(200);
  });
});

describe('authenticated rate limit (per user, from the tier)', () => {
  it('reports the tier budget and refuses past it', async () => {
    const t = await signup(h.anonymous, 'budget', from('100.64.0.5'));
    const first = await t.client.get('/v1/me');
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=1000;w=3600');
    expect(first.headers.get('ratelimit')).toMatch(/^"default";r=999;t=\d+$/);
    // Tiers are data: shrink the free budget in this test's own database. The bucket then
    // holds no more than the new budget.
    await adminQuery(
      h.database.adminUrl,
      `update tiers set requests_per_hour = 3 where tier = 'free'`,
    );
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await t.client.get('/v1/me')).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await adminQuery(
        h.database.adminUrl,
        `update tiers set requests_per_hour = 1000 where tier = 'free'`,
      );
    }
  });
});
