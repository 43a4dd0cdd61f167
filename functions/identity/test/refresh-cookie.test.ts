import type { RequestContext } from '@devctx/shared';
import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverTokens } from '../src/auth/refresh-cookie.ts';
import { type IdentityHarness, PASSWORD, signup, startIdentity } from './support.ts';

// A browser asks (devctx-refresh-cookie: 1) for its refresh token as an HttpOnly cookie
// that page scripts cannot read, and refreshes with it.
let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
});
afterAll(() => h.close());

const COOKIE_MODE = { 'devctx-refresh-cookie': '1' };
/** The cookie a Set-Cookie header sets, as name=value, and its attributes. */
const cookieOf = (headers: Headers) => {
  const [pair = '', ...attributes] = (headers.get('set-cookie') ?? '').split('; ');
  return { pair, attributes };
};

async function browserSignIn(label: string) {
  const owner = await signup(h.anonymous, label);
  const reply = await h.anonymous.post(
    '/v1/auth/login',
    { tenant: owner.tenant.slug, email: owner.user.email, password: PASSWORD },
    COOKIE_MODE,
  );
  expect(reply.status).toBe(200);
  return { owner, reply, cookie: cookieOf(reply.headers) };
}

const refreshWith = (cookie: string, tenantId: string, headers = COOKIE_MODE) =>
  h.anonymous.post('/v1/auth/refresh', { tenantId }, { ...headers, cookie });

describe('refresh token in an HttpOnly cookie', () => {
  it('is set as an HttpOnly, SameSite=Strict cookie for /v1/auth only, and left out of the body', async () => {
    const { owner, reply, cookie } = await browserSignIn('cookie-set');
    expect(reply.body.refreshToken).toBeUndefined();
    expect(reply.body.accessToken).toBeTruthy();
    const tenantHex = owner.tenant.id.replaceAll('-', '');
    expect(cookie.pair).toMatch(new RegExp(`^devctx_rt_${tenantHex}=rt_${tenantHex}_`));
    expect(cookie.attributes).toEqual(
      expect.arrayContaining(['Path=/v1/auth', 'HttpOnly', 'SameSite=Strict']),
    );
    expect(cookie.attributes).not.toContain('Secure'); // plain http here
    const overHttps = await h.anonymous.post(
      '/v1/auth/login',
      { tenant: owner.tenant.slug, email: owner.user.email, password: PASSWORD },
      { ...COOKIE_MODE, 'x-forwarded-proto': 'https' },
    );
    expect(cookieOf(overHttps.headers).attributes).toContain('Secure');
    // Without the header, nothing changes for API clients.
    expect(owner.refreshToken).toMatch(/^rt_/);
  });

  it('refreshes with the cookie and rotates it; the spent cookie revokes the session', async () => {
    const { owner, cookie } = await browserSignIn('cookie-rotate');
    const first = await refreshWith(cookie.pair, owner.tenant.id);
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).toBeUndefined();
    const next = cookieOf(first.headers).pair;
    expect(next).not.toBe(cookie.pair);
    const me = await h.anonymous.as(first.body.accessToken).get('/v1/me');
    expect(me.status).toBe(200);

    // The old cookie again, later than two tabs refreshing at once would (stolen, or
    // replayed): 401, and the new one dies with it.
    await adminQuery(
      h.database.adminUrl,
      `update refresh_tokens set used_at = used_at - interval '1 minute' where used_at is not null`,
    );
    expect((await refreshWith(cookie.pair, owner.tenant.id)).status).toBe(401);
    expect((await refreshWith(next, owner.tenant.id)).status).toBe(401);
  });

  it('is Secure in production whatever X-Forwarded-Proto says', () => {
    const production = { config: { NODE_ENV: 'production', REFRESH_TOKEN_TTL_SECONDS: 60 } };
    const delivered = deliverTokens(
      production as unknown as RequestContext,
      { ...COOKIE_MODE, 'x-forwarded-proto': 'http' },
      '00000000-0000-4000-8000-000000000000',
      { refreshToken: 'rt_x' },
    );
    expect(delivered.headers?.['set-cookie']).toContain('; Secure');
    expect(delivered.body).toEqual({});
  });

  it('refuses a cookie without the header (CSRF), and another tenant’s token in a cookie', async () => {
    const { owner, cookie } = await browserSignIn('cookie-csrf');
    const plain = await refreshWith(cookie.pair, owner.tenant.id, {} as typeof COOKIE_MODE);
    expect(plain.status).toBe(401);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');

    // B's cookie name carrying A's token: the token must be the named tenant's.
    const other = await browserSignIn('cookie-other');
    const token = cookie.pair.split('=')[1];
    const otherHex = other.owner.tenant.id.replaceAll('-', '');
    const swapped = await refreshWith(`devctx_rt_${otherHex}=${token}`, other.owner.tenant.id);
    expect(swapped.status).toBe(401);
    // Neither is spent by the refusals: A's cookie still works.
    expect((await refreshWith(cookie.pair, owner.tenant.id)).status).toBe(200);
  });

  it('wants exactly one of refreshToken and tenantId', async () => {
    for (const body of [{}, { refreshToken: 'rt_x', tenantId: crypto.randomUUID() }]) {
      const reply = await h.anonymous.post('/v1/auth/refresh', body, COOKIE_MODE);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('sign-out clears the cookie, and its token no longer refreshes', async () => {
    const { owner, reply, cookie } = await browserSignIn('cookie-logout');
    const out = await h.anonymous.as(reply.body.accessToken).post('/v1/auth/logout');
    expect(out.status).toBe(204);
    const cleared = cookieOf(out.headers);
    expect(cleared.pair).toBe(`${cookie.pair.split('=')[0]}=`);
    expect(cleared.attributes).toContain('Max-Age=0');
    expect((await refreshWith(cookie.pair, owner.tenant.id)).status).toBe(401);
  });
});
