import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, type IdentityHarness, type SignedUp, signup, startIdentity } from './support.ts';

let h: IdentityHarness;
let owner: SignedUp;
beforeAll(async () => {
  h = await startIdentity();
  owner = await signup(h.anonymous, 'keys');
});
afterAll(() => h.close());

describe('API keys', () => {
  it('show the secret once, store only a hash, and work as a bearer credential with their subset', async () => {
    const created = await owner.client.post('/v1/api-keys', {
      name: 'laptop hook',
      permissions: ['profile:read', 'users:read'],
    });
    expect(created.status).toBe(201);
    const { secret, apiKey } = created.body;
    expect(secret).toMatch(/^dck_[\da-f]{32}_[\w-]{43}$/);
    expect(apiKey.prefix).toBe(`dck_…${secret.slice(-43, -35)}`);

    const [stored] = await adminQuery(
      h.database.adminUrl,
      'select secret_hash, prefix from api_keys where id = $1',
      [apiKey.id],
    );
    expect(JSON.stringify(stored)).not.toContain(secret.slice(-43));

    const machine = h.anonymous.as(secret);
    const me = await machine.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      credential: 'api_key',
      permissions: ['profile:read', 'users:read'],
    });
    expect((await machine.get('/v1/users')).status).toBe(200);
    expect((await machine.get('/v1/teams')).status).toBe(403);
    expect(
      (await machine.post('/v1/api-keys', { name: 'child', permissions: ['profile:read'] })).status,
    ).toBe(403);

    const list = await owner.client.get('/v1/api-keys');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain(secret);
  });

  it('cannot carry a permission its user lacks', async () => {
    const viewer = await addUser(owner, 'viewer');
    const reply = await viewer.client.post('/v1/api-keys', {
      name: 'sneaky',
      permissions: ['users:invite'],
    });
    expect(reply.status).toBe(403);
    expect(
      (await viewer.client.post('/v1/api-keys', { name: 'fine', permissions: ['users:read'] }))
        .status,
    ).toBe(201);
  });

  it('stop working when revoked, and only their owner revokes them', async () => {
    const created = await owner.client.post('/v1/api-keys', {
      name: 'revoke me',
      permissions: ['profile:read'],
    });
    const machine = h.anonymous.as(created.body.secret);
    expect((await machine.get('/v1/me')).status).toBe(200);
    const member = await addUser(owner, 'member', 'other');
    expect((await member.client.delete(`/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(404);
    expect((await owner.client.delete(`/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(204);
    expect((await machine.get('/v1/me')).status).toBe(401);
    expect((await owner.client.delete(`/v1/api-keys/${created.body.apiKey.id}`)).status).toBe(404);
    const log = await owner.client.get('/v1/audit-log?action=api_key.revoked');
    expect(log.body.items[0]).toMatchObject({ targetId: created.body.apiKey.id });
  });

  it('stop working after their expiry', async () => {
    // It expires two seconds after it was made: used just before (and so remembered by
    // the instance's authentication cache), it is refused just after.
    const created = await owner.client.post('/v1/api-keys', {
      name: 'short',
      permissions: ['profile:read'],
      expiresAt: new Date(Date.now() + 2000).toISOString(),
    });
    expect((await h.anonymous.as(created.body.secret).get('/v1/me')).status).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, Date.parse(created.body.apiKey.expiresAt) - Date.now() + 50),
    );
    expect((await h.anonymous.as(created.body.secret).get('/v1/me')).status).toBe(401);
    const past = await owner.client.post('/v1/api-keys', {
      name: 'past',
      permissions: ['profile:read'],
      expiresAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
  });

  it('refuse malformed and unknown keys alike', async () => {
    for (const key of [
      'dck_nope',
      `dck_${owner.tenant.id.replaceAll('-', '')}_${'x'.repeat(43)}`,
    ]) {
      const reply = await h.anonymous.as(key).get('/v1/me');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
  });
});
