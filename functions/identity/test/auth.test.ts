import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, PASSWORD, signup, startIdentity } from './support.ts';

let h: IdentityHarness;
beforeAll(async () => {
  h = await startIdentity();
});
afterAll(() => h.close());

describe('signup', () => {
  it('creates the tenant on the free tier, its owner with every permission, and signs in', async () => {
    const reply = await h.anonymous.post('/v1/auth/signup', {
      tenant: { name: 'Acme Robotics', slug: 'acme-robotics' },
      user: { email: 'Ada@Acme.Example', password: PASSWORD, name: 'Ada' },
    });
    expect(reply.status).toBe(201);
    expect(reply.body.tenant).toMatchObject({
      slug: 'acme-robotics',
      name: 'Acme Robotics',
      tier: 'free',
      status: 'active',
    });
    expect(reply.body.user).toMatchObject({
      email: 'ada@acme.example',
      name: 'Ada',
      status: 'active',
    });
    expect(reply.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    expect(reply.body.refreshToken).toMatch(/^rt_/);
    expect(reply.body).not.toHaveProperty('user.passwordHash');

    const me = await h.anonymous.as(reply.body.accessToken).get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.roles.map((r: { name: string }) => r.name)).toEqual(['owner']);
    expect(me.body.permissions).toContain('tenant:own');
    expect(me.body.credential).toBe('user');
  });

  it('refuses a taken slug with 409 and creates nothing', async () => {
    const first = await signup(h.anonymous, 'taken');
    const reply = await h.anonymous.post('/v1/auth/signup', {
      tenant: { name: 'Copy', slug: first.tenant.slug },
      user: { email: 'x@y.example', password: PASSWORD, name: 'X' },
    });
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('conflict');
    expect(reply.body.errors).toEqual([{ path: 'body.tenant.slug', message: 'already taken' }]);
  });

  it('refuses weak passwords, bad slugs and bad emails with field errors', async () => {
    const reply = await h.anonymous.post('/v1/auth/signup', {
      tenant: { name: '', slug: 'Bad Slug!' },
      user: { email: 'not-an-email', password: 'short', name: 'N' },
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual([
      'body.tenant.name',
      'body.tenant.slug',
      'body.user.email',
      'body.user.password',
    ]);
    const tooLong = await h.anonymous.post('/v1/auth/signup', {
      tenant: { name: 'T', slug: 'long-pass' },
      user: { email: 'a@b.example', password: 'x'.repeat(257), name: 'N' },
    });
    expect(tooLong.status).toBe(400);
  });
});

describe('login', () => {
  it('signs in with slug, email (any case) and password', async () => {
    const t = await signup(h.anonymous, 'login');
    const reply = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email.toUpperCase(),
      password: PASSWORD,
    });
    expect(reply.status).toBe(200);
    expect(reply.body.user.id).toBe(t.user.id);
    expect((await h.anonymous.as(reply.body.accessToken).get('/v1/me')).status).toBe(200);
  });

  it('gives one answer for unknown tenant, unknown email and wrong password', async () => {
    const t = await signup(h.anonymous, 'enum');
    const attempts = [
      { tenant: 'no-such-tenant', email: t.user.email, password: PASSWORD },
      { tenant: t.tenant.slug, email: 'nobody@enum.example', password: PASSWORD },
      { tenant: t.tenant.slug, email: t.user.email, password: 'wrong password here' },
    ];
    const replies = await Promise.all(attempts.map((a) => h.anonymous.post('/v1/auth/login', a)));
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.body.code).toBe('unauthenticated');
      expect(reply.body.detail).toBe(replies[0]?.body.detail);
    }
  });

  it('records successes and failures in the audit log', async () => {
    const t = await signup(h.anonymous, 'audited');
    await h.anonymous.post(
      '/v1/auth/login',
      { tenant: t.tenant.slug, email: t.user.email, password: 'not the password' },
      { 'user-agent': 'audit-test/1.0' },
    );
    await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email,
      password: PASSWORD,
    });
    const log = await t.client.get('/v1/audit-log');
    const actions = log.body.items.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 3)).toEqual(['login.succeeded', 'login.failed', 'tenant.created']);
    const failed = log.body.items[1];
    expect(failed).toMatchObject({
      userAgent: 'audit-test/1.0',
      actorUserId: t.user.id,
      details: { email: t.user.email },
    });
    expect(failed.ip).toBeTruthy();
    expect(failed.requestId).toBeTruthy();
  });
});

describe('refresh tokens', () => {
  it('rotate on every use and keep the session signed in', async () => {
    const t = await signup(h.anonymous, 'rotate');
    const first = await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(t.refreshToken);
    const second = await h.anonymous.post('/v1/auth/refresh', {
      refreshToken: first.body.refreshToken,
    });
    expect(second.status).toBe(200);
    expect((await h.anonymous.as(second.body.accessToken).get('/v1/me')).status).toBe(200);
  });

  it('reusing a spent refresh token revokes the whole family, access tokens included', async () => {
    const t = await signup(h.anonymous, 'reuse');
    const rotated = await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(rotated.status).toBe(200);
    // Spent longer ago than the grace for concurrent refreshes: a replay.
    await adminQuery(
      h.database.adminUrl,
      `update refresh_tokens set used_at = used_at - interval '1 minute' where used_at is not null`,
    );
    const replay = await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(replay.status).toBe(401);
    // The legitimate holder's newer tokens are dead too: the family is revoked.
    expect(
      (await h.anonymous.post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken }))
        .status,
    ).toBe(401);
    expect((await h.anonymous.as(rotated.body.accessToken).get('/v1/me')).status).toBe(401);
    expect((await h.anonymous.as(t.accessToken).get('/v1/me')).status).toBe(401);
    // Revocation was recorded, even though the request failed.
    const login = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email,
      password: PASSWORD,
    });
    const log = await h.anonymous
      .as(login.body.accessToken)
      .get('/v1/audit-log?action=token_family.revoked');
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0].details).toEqual({ reason: 'refresh_token_reused' });
  });

  it('two tabs refreshing with one token at once both get tokens, and the session lives on', async () => {
    const t = await signup(h.anonymous, 'race');
    const replies = await Promise.all(
      [1, 2, 3].map(() => h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken })),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    const tokens = new Set(replies.map((r) => r.body.refreshToken));
    expect(tokens.size).toBe(3);
    for (const reply of replies) {
      expect((await h.anonymous.as(reply.body.accessToken).get('/v1/me')).status).toBe(200);
    }
    const next = await h.anonymous.post('/v1/auth/refresh', {
      refreshToken: replies[0]?.body.refreshToken,
    });
    expect(next.status).toBe(200);
  });

  it('a spent token is not the previous one any more once its successor was spent: a replay', async () => {
    const t = await signup(h.anonymous, 'chain');
    const first = await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken });
    await new Promise((r) => setTimeout(r, 5));
    const second = await h.anonymous.post('/v1/auth/refresh', {
      refreshToken: first.body.refreshToken,
    });
    expect(second.status).toBe(200);
    const replay = await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken });
    expect(replay.status).toBe(401);
    expect((await h.anonymous.as(second.body.accessToken).get('/v1/me')).status).toBe(401);
  });

  it('refuses garbage, and tokens of the wrong kind', async () => {
    for (const refreshToken of [
      'nope',
      `rt_${'0'.repeat(32)}_${'a'.repeat(43)}`,
      `dck_${'0'.repeat(32)}_${'a'.repeat(43)}`,
    ]) {
      const reply = await h.anonymous.post('/v1/auth/refresh', { refreshToken });
      expect(reply.status).toBe(401);
    }
  });
});

describe('logout and password change', () => {
  it('logout revokes the session: the access token fails on the next request', async () => {
    const t = await signup(h.anonymous, 'logout');
    expect((await t.client.post('/v1/auth/logout')).status).toBe(204);
    expect((await t.client.get('/v1/me')).status).toBe(401);
    expect(
      (await h.anonymous.post('/v1/auth/refresh', { refreshToken: t.refreshToken })).status,
    ).toBe(401);
  });

  it('changing the password signs out the other sessions at once, and the new password works', async () => {
    const t = await signup(h.anonymous, 'pw');
    const other = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email,
      password: PASSWORD,
    });
    const otherClient = h.anonymous.as(other.body.accessToken);
    expect((await otherClient.get('/v1/me')).status).toBe(200);

    const wrong = await t.client.post('/v1/me/password', {
      currentPassword: 'not it at all',
      newPassword: 'a brand new passphrase',
    });
    expect(wrong.status).toBe(400);
    const changed = await t.client.post('/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    expect(changed.status).toBe(204);

    expect((await otherClient.get('/v1/me')).status).toBe(401);
    expect((await t.client.get('/v1/me')).status).toBe(200);
    const oldLogin = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email,
      password: PASSWORD,
    });
    expect(oldLogin.status).toBe(401);
    const newLogin = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: t.user.email,
      password: 'a brand new passphrase',
    });
    expect(newLogin.status).toBe(200);
  });
});

describe('JWKS', () => {
  it('publishes the ES256 public keys, without private parts', async () => {
    const reply = await h.anonymous.get('/.well-known/jwks.json');
    expect(reply.status).toBe(200);
    expect(reply.body.keys.length).toBeGreaterThan(0);
    for (const key of reply.body.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(key.kid).toEqual(expect.any(String));
      expect(key).not.toHaveProperty('d');
    }
  });
});
