import { createHash, randomUUID } from 'node:crypto';
import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, type IdentityHarness, type SignedUp, signup, startIdentity } from './support.ts';

let h: IdentityHarness;
let owner: SignedUp;
beforeAll(async () => {
  h = await startIdentity({ CORS_ORIGINS: 'https://app.example, http://localhost:5173' });
  owner = await signup(h.anonymous, 'conv');
});
afterAll(() => h.close());

describe('conditional requests', () => {
  it('GET gives an ETag; If-None-Match with it is a 304 without a body; a change gives a new one', async () => {
    const team = await owner.client.post('/v1/teams', { name: 'Etag Team' });
    const first = await owner.client.get(`/v1/teams/${team.body.id}`);
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const cached = await owner.client.get(`/v1/teams/${team.body.id}`, { 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.body).toBeUndefined();
    expect(cached.headers.get('etag')).toBe(etag);

    await owner.client.patch(`/v1/teams/${team.body.id}`, { description: 'changed' });
    const after = await owner.client.get(`/v1/teams/${team.body.id}`, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });

  it('If-Match with a stale ETag is a 412 and changes nothing; with the current one it applies', async () => {
    const team = await owner.client.post('/v1/teams', { name: 'Guarded' });
    const read = await owner.client.get(`/v1/teams/${team.body.id}`);
    const etag = read.headers.get('etag') as string;
    await owner.client.patch(`/v1/teams/${team.body.id}`, {
      description: 'someone else was faster',
    });

    const stale = await owner.client.request(
      'PATCH',
      `/v1/teams/${team.body.id}`,
      { name: 'Mine' },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('precondition_failed');
    expect((await owner.client.get(`/v1/teams/${team.body.id}`)).body.name).toBe('Guarded');
    expect(
      (
        await owner.client.request('DELETE', `/v1/teams/${team.body.id}`, undefined, {
          'if-match': etag,
        })
      ).status,
    ).toBe(412);

    const fresh = (await owner.client.get(`/v1/teams/${team.body.id}`)).headers.get(
      'etag',
    ) as string;
    const applied = await owner.client.request(
      'PATCH',
      `/v1/teams/${team.body.id}`,
      { name: 'Mine' },
      { 'if-match': fresh },
    );
    expect(applied.status).toBe(200);
    expect(applied.body.name).toBe('Mine');
    expect(
      (
        await owner.client.request(
          'PATCH',
          `/v1/teams/${team.body.id}`,
          { name: 'Any' },
          { 'if-match': '*' },
        )
      ).status,
    ).toBe(200);
  });

  it('a PATCH that names no field changes nothing and answers what a GET does', async () => {
    const team = await owner.client.post('/v1/teams', { name: 'Unchanged' });
    const read = await owner.client.get(`/v1/teams/${team.body.id}`);
    for (const body of [{}, { notAField: 'x' }]) {
      const reply = await owner.client.patch(`/v1/teams/${team.body.id}`, body);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual(read.body);
    }
    expect((await owner.client.patch(`/v1/teams/${randomUUID()}`, {})).status).toBe(404);
  });
});

describe('Idempotency-Key', () => {
  const teamsNamed = async (name: string) =>
    (
      await adminQuery(
        h.database.adminUrl,
        'select count(*)::int as n from teams where name = $1',
        [name],
      )
    )[0]?.n;

  it('the same key and body replay the first response; the effect happens once', async () => {
    const headers = { 'idempotency-key': '"team-create-0001"' };
    const first = await owner.client.post('/v1/teams', { name: 'Once' }, headers);
    expect(first.status).toBe(201);
    const again = await owner.client.post('/v1/teams', { name: 'Once' }, headers);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await teamsNamed('Once')).toBe(1);
  });

  it('the same key with a different body is a 422', async () => {
    const headers = { 'idempotency-key': 'team-create-0002' };
    expect((await owner.client.post('/v1/teams', { name: 'First body' }, headers)).status).toBe(
      201,
    );
    const other = await owner.client.post('/v1/teams', { name: 'Second body' }, headers);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('idempotency_key_reused');
    expect(await teamsNamed('Second body')).toBe(0);
  });

  it('while the first request with a key is in flight, a second is a 409', async () => {
    // As if another instance had claimed the key for this very request and not finished.
    const body = JSON.stringify({ name: 'Busy' });
    const fingerprint = createHash('sha256').update(`POST /v1/teams\n${body}`).digest();
    await adminQuery(
      h.database.adminUrl,
      `insert into idempotency_keys (tenant_id, scope, key, fingerprint, locked_until, expires_at)
       values ($1, $2, 'busy-key', $3, now() + interval '1 minute', now() + interval '1 day')`,
      [owner.tenant.id, `user:${owner.user.id}`, fingerprint],
    );
    const reply = await owner.client.post(
      '/v1/teams',
      { name: 'Busy' },
      { 'idempotency-key': 'busy-key' },
    );
    expect(reply.status).toBe(409);
    expect(reply.body.code).toBe('idempotency_key_in_use');
    expect(reply.headers.get('retry-after')).toBe('1');
  });

  it('keys belong to their caller: another user may use the same key', async () => {
    const admin = await addUser(owner, 'admin');
    const headers = { 'idempotency-key': 'shared-key' };
    expect((await owner.client.post('/v1/teams', { name: 'Owner team' }, headers)).status).toBe(
      201,
    );
    const theirs = await admin.client.post('/v1/teams', { name: 'Admin team' }, headers);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a failed request releases its key, so the retry runs again', async () => {
    await owner.client.post('/v1/teams', { name: 'Taken' });
    const headers = { 'idempotency-key': 'retry-after-failure' };
    expect((await owner.client.post('/v1/teams', { name: 'Taken' }, headers)).status).toBe(409);
    const existing = (await owner.client.get('/v1/teams?limit=200')).body.items.find(
      (t: { name: string }) => t.name === 'Taken',
    );
    await owner.client.delete(`/v1/teams/${existing.id}`);
    expect((await owner.client.post('/v1/teams', { name: 'Taken' }, headers)).status).toBe(201);
  });

  it('refuses a malformed key', async () => {
    const reply = await owner.client.post('/v1/teams', { name: 'x' }, { 'idempotency-key': '' });
    expect(reply.status).toBe(400);
  });
});

describe('CORS and security headers', () => {
  const preflight = (origin: string) =>
    fetch(`${h.server.baseUrl}/v1/me`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });

  it('answers a preflight from an allowed origin', async () => {
    const reply = await preflight('https://app.example');
    expect(reply.status).toBe(204);
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(reply.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(reply.headers.get('access-control-allow-methods')).toContain('PATCH');
    // A browser on that origin may ask for its refresh token as a cookie, and send it.
    expect(reply.headers.get('access-control-allow-headers')).toContain('devctx-refresh-cookie');
    expect(reply.headers.get('access-control-allow-credentials')).toBe('true');
  });

  it('refuses a preflight from any other origin, and gives it no CORS headers', async () => {
    const reply = await preflight('https://evil.example');
    expect(reply.status).toBe(403);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await owner.client.get('/v1/me', { origin: 'https://evil.example' });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect(simple.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets an allowed origin read the response and its headers', async () => {
    const reply = await owner.client.get('/v1/me', { origin: 'http://localhost:5173' });
    expect(reply.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(reply.headers.get('access-control-expose-headers')).toContain('ratelimit');
    expect(reply.headers.get('vary')).toContain('Origin');
  });

  it('every response carries the security headers, errors included', async () => {
    for (const reply of [await owner.client.get('/v1/me'), await h.anonymous.get('/v1/nothing')]) {
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('DENY');
      expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
      expect(reply.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(reply.headers.get('cache-control')).toBe('no-store');
    }
  });
});
