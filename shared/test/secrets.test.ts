import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SecretManagerClientLike } from '../src/auth/key-sources.ts';
import { SecretBox } from '../src/secrets/secret-box.ts';
import {
  EnvironmentSecretSource,
  SecretManagerSecretSource,
} from '../src/secrets/secret-source.ts';
import { secretBoxFor } from '../src/secrets/secrets-for.ts';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32));

  it('opens what it sealed, under the same associated data only', () => {
    const envelope = box.seal('whsec_abc', 'repo:1');
    expect(box.open(envelope, 'repo:1')).toBe('whsec_abc');
    expect(() => box.open(envelope, 'repo:2')).toThrow();
  });

  it('seals the same text differently each time (random IV) and hides it', () => {
    const a = box.seal('same', 'x');
    const b = box.seal('same', 'x');
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('same'))).toBe(false);
  });

  it('refuses a flipped bit, another key, and what is not an envelope', () => {
    const envelope = box.seal('secret', 'x');
    const flipped = Buffer.from(envelope);
    flipped[flipped.length - 1] = (flipped[flipped.length - 1] ?? 0) ^ 1;
    expect(() => box.open(flipped, 'x')).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(envelope, 'x')).toThrow();
    expect(() => box.open(Buffer.from([9, 1, 2]), 'x')).toThrow('not a secret envelope');
    expect(() => new SecretBox(randomBytes(16))).toThrow('32 bytes');
  });
});

/** Stands in for the Secret Manager client: the calls our driver makes, and their answers. */
function fakeSecretManager(secrets: Record<string, string>) {
  const calls: string[] = [];
  const client: SecretManagerClientLike = {
    accessSecretVersion: async ({ name }) => {
      calls.push(name);
      const value = secrets[name];
      if (value === undefined) throw Object.assign(new Error('NOT_FOUND'), { code: 5 });
      return [{ payload: { data: Buffer.from(value) } }];
    },
    addSecretVersion: async () => [],
  };
  return { client, calls };
}

describe('secret sources', () => {
  it('Secret Manager: short names resolve in the project, full names as given; cached; missing is undefined', async () => {
    const { client, calls } = fakeSecretManager({
      'projects/p1/secrets/github-token/versions/latest': 'ghp_1',
      'projects/other/secrets/key/versions/latest': 'k',
    });
    const source = new SecretManagerSecretSource('p1', client);
    expect(await source.read('github-token')).toBe('ghp_1');
    expect(await source.read('github-token')).toBe('ghp_1');
    expect(await source.read('projects/other/secrets/key')).toBe('k');
    expect(await source.read('nope')).toBeUndefined();
    expect(calls).toEqual([
      'projects/p1/secrets/github-token/versions/latest',
      'projects/other/secrets/key/versions/latest',
      'projects/p1/secrets/nope/versions/latest',
    ]);
  });

  it('Secret Manager: other failures are not hidden', async () => {
    const client: SecretManagerClientLike = {
      accessSecretVersion: async () => {
        throw Object.assign(new Error('PERMISSION_DENIED'), { code: 7 });
      },
      addSecretVersion: async () => [],
    };
    await expect(new SecretManagerSecretSource('p', client).read('x')).rejects.toThrow(
      'PERMISSION_DENIED',
    );
  });

  it('environment: a variable by that name, empty meaning absent', async () => {
    const source = new EnvironmentSecretSource({ TOKEN: 't', EMPTY: '' });
    expect(await source.read('TOKEN')).toBe('t');
    expect(await source.read('EMPTY')).toBeUndefined();
    expect(await source.read('MISSING')).toBeUndefined();
  });

  it('the encryption key comes from ENCRYPTION_KEY, else from its Secret Manager secret', async () => {
    const key = randomBytes(32).toString('base64');
    const local = await secretBoxFor({
      SECRETS_DRIVER: 'env',
      ENCRYPTION_KEY: key,
      ENCRYPTION_KEY_SECRET: undefined,
      GOOGLE_CLOUD_PROJECT: undefined,
    });
    const { client } = fakeSecretManager({
      'projects/p/secrets/devctx-key/versions/latest': `${key}\n`,
    });
    const fromCloud = await secretBoxFor(
      {
        SECRETS_DRIVER: 'secret-manager',
        ENCRYPTION_KEY: undefined,
        ENCRYPTION_KEY_SECRET: 'devctx-key',
        GOOGLE_CLOUD_PROJECT: 'p',
      },
      new SecretManagerSecretSource('p', client),
    );
    expect(fromCloud.open(local.seal('same key', 'aad'), 'aad')).toBe('same key');
    await expect(
      secretBoxFor({
        SECRETS_DRIVER: 'env',
        ENCRYPTION_KEY: undefined,
        ENCRYPTION_KEY_SECRET: undefined,
        GOOGLE_CLOUD_PROJECT: undefined,
      }),
    ).rejects.toThrow('no encryption key');
  });
});
