import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessTokens } from '../src/auth/jwt.ts';
import { SecretManagerKeySource } from '../src/auth/key-sources.ts';
import { SecretManagerSecretSource } from '../src/secrets/secret-source.ts';
import { CloudObjectStorage } from '../src/storage/object-storage.ts';
import { type FakeGoogle, startFakeGoogle } from './support/index.ts';

// The production drivers, with the real Google clients, against local stand-ins: what the
// deploy simulation relies on, and what a mistake in a resource name would break.
let google: FakeGoogle;
const tenant = '11111111-1111-4111-8111-111111111111';

beforeAll(async () => {
  google = await startFakeGoogle();
});
afterAll(() => google.close());

describe('Secret Manager drivers', () => {
  const secret = 'projects/sim/secrets/devctx-jwt-keys';

  it('token signing keys: none before the first rotation, then the set written there', async () => {
    google.secrets.set(secret, []);
    const source = new SecretManagerKeySource(secret, undefined, google.grpcHost);
    expect(await source.load()).toBeUndefined();
    const tokens = new AccessTokens(source, { issuer: 'i', audience: 'a', accessTtlSeconds: 60 });
    await expect(tokens.jwks()).rejects.toThrow(/No JWT signing keys in secret .*keys:rotate/);
    const kid = await tokens.rotate();
    expect(google.secrets.get(secret)).toHaveLength(1);
    const reread = new SecretManagerKeySource(secret, undefined, google.grpcHost);
    expect((await reread.load())?.keys.map((k) => k.kid)).toEqual([kid]);
  });

  it('named secrets: the latest version, and nothing for a secret that is not there', async () => {
    google.secrets.set('projects/sim/secrets/devctx-encryption-key', ['old', 'current']);
    const source = new SecretManagerSecretSource('sim', undefined, google.grpcHost);
    expect(await source.read('devctx-encryption-key')).toBe('current');
    expect(await source.read('projects/sim/secrets/devctx-encryption-key')).toBe('current');
    expect(await source.read('no-such-secret')).toBeUndefined();
  });
});

describe('Cloud Storage driver', () => {
  it('stores, reads and deletes a tenant’s object in the bucket', async () => {
    process.env.STORAGE_EMULATOR_HOST = google.storageUrl;
    try {
      const storage = new CloudObjectStorage('sim-devctx-uploads');
      const data = Buffer.from(JSON.stringify({ kind: 'claude-code', transcript: 'ünïcode\n' }));
      await storage.put(tenant, 'imports/a.json', data, 'application/json');
      expect([...google.objects.keys()]).toEqual([
        `sim-devctx-uploads/tenants/${tenant}/imports/a.json`,
      ]);
      expect((await storage.get(tenant, 'imports/a.json'))?.equals(data)).toBe(true);
      await storage.delete(tenant, 'imports/a.json');
      expect(await storage.get(tenant, 'imports/a.json')).toBeUndefined();
      await storage.delete(tenant, 'imports/a.json'); // already gone: fine

      const lines = Array.from({ length: 2000 }, (_, i) => `{"line":${i}}\n`);
      await storage.putStream(
        tenant,
        'exports/e.ndjson',
        Readable.from(lines),
        'application/x-ndjson',
      );
      const read = await storage.getStream(tenant, 'exports/e.ndjson');
      expect(read && (await text(read))).toBe(lines.join(''));
      expect(await storage.getStream(tenant, 'exports/none')).toBeUndefined();
      expect(await storage.list(tenant)).toEqual(['exports/e.ndjson']);
    } finally {
      delete process.env.STORAGE_EMULATOR_HOST;
    }
  });
});
