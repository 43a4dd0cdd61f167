import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.ts';

const valid = { DATABASE_URL: 'postgres://devctx_app:secret@127.0.0.1:5432/devctx' };

describe('configuration', () => {
  it('applies defaults to a minimal environment', () => {
    const config = loadConfig(valid);
    expect(config.PORT).toBe(8080);
    expect(config.DATABASE_POOL_MAX).toBe(10);
    expect(config.BODY_LIMIT_BYTES).toBe(1024 * 1024);
  });

  it('names every wrong or missing variable in one message', () => {
    const message = configErrorMessage({ PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain('PORT');
    expect(message).toContain('got "eighty"');
    expect(message).toContain('LOG_LEVEL');
    expect(message).toMatch(/DATABASE_URL: .*\(not set\)/);
  });

  it('never prints a password from a connection URL', () => {
    const message = configErrorMessage({ DATABASE_URL: 'not a url://app:hunter2@x' });
    expect(message).toContain('DATABASE_URL');
    expect(message).not.toContain('hunter2');
    const wrongWorker = configErrorMessage({
      ...valid,
      TASKS_DRIVER: 'cloud-tasks',
      WORKER_URL: 'ftp://app:hunter2@worker',
      LOG_LEVEL: 'loud',
    });
    expect(wrongWorker).toContain('LOG_LEVEL');
    expect(wrongWorker).not.toContain('hunter2');
  });

  it('repeats no value that may be a secret: secrets, keys, anything free-form', () => {
    const secret = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0';
    const message = configErrorMessage({
      ...valid,
      ENCRYPTION_KEY: secret,
      INTERNAL_SHARED_SECRET: 'too-short-but-secret',
      JWT_KEYS_SECRET: 'my-private-key-material',
      // A secret pasted into a choice: not a plain choice-like value, so not repeated.
      JWT_KEYS: '{"keys":[{"d":"private"}]}',
    });
    for (const name of ['ENCRYPTION_KEY', 'INTERNAL_SHARED_SECRET', 'JWT_KEYS_SECRET', 'JWT_KEYS'])
      expect(message).toContain(name);
    for (const value of [secret, 'too-short-but-secret', 'my-private-key-material', 'private'])
      expect(message).not.toContain(value);
    expect(message).toContain('characters, not shown');
  });

  it('takes JWT_KEYS_FILE as the key file, never as the file form of JWT_KEYS', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-config-'));
    const keys = path.join(dir, 'jwt-keys.json');
    await writeFile(keys, '{"keys":[{"d":"very-private"}]}');
    const config = loadConfig({ ...valid, JWT_KEYS_FILE: keys });
    expect(config.JWT_KEYS).toBe('file');
    expect(config.JWT_KEYS_FILE).toBe(keys);
  });

  it('reads NAME from the file NAME_FILE names (mounted secrets), unless NAME is set', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-config-'));
    const file = path.join(dir, 'database-url');
    await writeFile(file, 'postgres://app:from-file@db/devctx\n');
    expect(loadConfig({ DATABASE_URL_FILE: file }).DATABASE_URL).toBe(
      'postgres://app:from-file@db/devctx',
    );
    expect(
      loadConfig({ DATABASE_URL_FILE: file, DATABASE_URL: 'postgres://x@y/z' }).DATABASE_URL,
    ).toBe('postgres://x@y/z');
    expect(() => loadConfig({ DATABASE_URL_FILE: path.join(dir, 'missing') })).toThrow(ConfigError);
    // A value from a mounted secret is never repeated, even when it is wrong.
    const secretFile = path.join(dir, 'shared-secret');
    await writeFile(secretFile, 'short-mounted-secret\n');
    const message = configErrorMessage({ ...valid, INTERNAL_SHARED_SECRET_FILE: secretFile });
    expect(message).toContain('INTERNAL_SHARED_SECRET');
    expect(message).not.toContain('short-mounted-secret');
  });
});

function configErrorMessage(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('expected loadConfig to refuse this environment');
}
