import { decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  AccessTokens,
  ConfigError,
  loadConfig,
  MemoryKeySource,
  type SecretManagerClientLike,
  SecretManagerKeySource,
} from '../src/index.ts';

const settings = { issuer: 'https://issuer.test', audience: 'api.test', accessTtlSeconds: 3600 };
const claims = {
  userId: '11111111-1111-4111-8111-111111111111',
  tenantId: '22222222-2222-4222-8222-222222222222',
  sessionId: '33333333-3333-4333-8333-333333333333',
};

/** The claims back, with the token's expiry (its ttl from now, to the second). */
const verified = () => ({
  ...claims,
  expiresAt: expect.closeTo(Date.now() + settings.accessTtlSeconds * 1000, -4),
});

describe('access tokens', () => {
  it('sign with a kid and verify back to the same claims', async () => {
    const tokens = new AccessTokens(new MemoryKeySource(), settings);
    const token = await tokens.sign(claims);
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: expect.any(String),
    });
    expect(await tokens.verify(token)).toEqual(verified());
  });

  it('rotation: the previous key verifies until its tokens expire, then leaves the set', async () => {
    const source = new MemoryKeySource();
    const tokens = new AccessTokens(source, settings);
    const before = await tokens.sign(claims);
    const oldKid = decodeProtectedHeader(before).kid;

    const start = Date.now();
    const newKid = await tokens.rotate(new Date(start));
    const after = await tokens.sign(claims);
    expect(decodeProtectedHeader(after).kid).toBe(newKid);
    expect((await tokens.jwks()).keys.map((k) => k.kid)).toEqual([oldKid, newKid]);
    expect(await tokens.verify(before)).toEqual(verified());

    // A rotation more than a token lifetime later drops the key retired by the first one.
    const third = await tokens.rotate(new Date(start + (settings.accessTtlSeconds + 1) * 1000));
    expect((await tokens.jwks()).keys.map((k) => k.kid)).toEqual([newKid, third]);
    await expect(tokens.verify(before)).rejects.toMatchObject({ code: 'unauthenticated' });
    expect(await tokens.verify(after)).toEqual(verified());
  });

  it('another instance reading the same source verifies tokens signed here', async () => {
    const source = new MemoryKeySource();
    const token = await new AccessTokens(source, settings).sign(claims);
    expect(await new AccessTokens(source, settings).verify(token)).toEqual(verified());
    await expect(new AccessTokens(new MemoryKeySource(), settings).verify(token)).rejects.toThrow();
  });
});

/** An in-memory stand-in for Secret Manager's client: versions of one secret. */
class FakeSecretManager implements SecretManagerClientLike {
  versions: Buffer[] = [];
  requests: string[] = [];
  async accessSecretVersion(request: { name: string }) {
    this.requests.push(`access ${request.name}`);
    const latest = this.versions.at(-1);
    if (!latest) throw Object.assign(new Error('NOT_FOUND'), { code: 5 });
    return [{ payload: { data: new Uint8Array(latest) } }] as [{ payload: { data: Uint8Array } }];
  }
  async addSecretVersion(request: { parent: string; payload: { data: Buffer } }) {
    this.requests.push(`add ${request.parent}`);
    this.versions.push(request.payload.data);
    return [{}];
  }
}

describe('Secret Manager key driver', () => {
  const secret = 'projects/p1/secrets/jwt-signing-keys';

  it('refuses to invent keys in production: the secret must exist', async () => {
    const tokens = new AccessTokens(
      new SecretManagerKeySource(secret, new FakeSecretManager()),
      settings,
    );
    await expect(tokens.sign(claims)).rejects.toThrow(/No JWT signing keys in secret projects\/p1/);
  });

  it('rotation adds a secret version that every instance then reads as the latest', async () => {
    const client = new FakeSecretManager();
    const first = new AccessTokens(new SecretManagerKeySource(secret, client), settings);
    const kid = await first.rotate();
    expect(client.requests).toContain(`add ${secret}`);
    const token = await first.sign(claims);

    const second = new AccessTokens(new SecretManagerKeySource(secret, client), settings);
    expect(await second.verify(token)).toEqual(verified());
    expect(client.requests).toContain(`access ${secret}/versions/latest`);
    expect(decodeProtectedHeader(token).kid).toBe(kid);
  });
});

describe('key configuration', () => {
  const base = { DATABASE_URL: 'postgres://a@127.0.0.1/b' };
  it('production must keep its keys in Secret Manager, naming the secret', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, JWT_KEYS: 'secret-manager' })).toThrow(/JWT_KEYS_SECRET/);
    const production = {
      ...base,
      NODE_ENV: 'production',
      JWT_KEYS: 'secret-manager',
      JWT_KEYS_SECRET: 'projects/p/secrets/s',
      INTERNAL_AUTH: 'oidc',
      INTERNAL_OIDC_AUDIENCE: 'https://worker.example',
      INTERNAL_OIDC_SERVICE_ACCOUNTS: 'tasks@p.iam.gserviceaccount.com',
    };
    expect(loadConfig(production).JWT_KEYS).toBe('secret-manager');
  });
});
