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
    expect(message).toContain('app:***@');
    expect(message).not.toContain('hunter2');
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
