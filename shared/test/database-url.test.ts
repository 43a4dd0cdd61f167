import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  connectionSettings,
  createDatabase,
  createLogger,
  loadConfig,
} from '../src/index.ts';
import { cloudSqlSocket, createTestDatabase, type TestDatabase } from './support/index.ts';

// One password secret for two ways to reach Cloud SQL: Cloud Run's socket mount
// (/cloudsql/PROJECT:REGION:INSTANCE) and GKE's Auth Proxy on 127.0.0.1.
const instance = 'devctx-sim:europe-west1:devctx';
let database: TestDatabase;
let socket: Awaited<ReturnType<typeof cloudSqlSocket>>;

beforeAll(async () => {
  database = await createTestDatabase();
  socket = await cloudSqlSocket(instance, database.appUrl);
});
afterAll(async () => {
  await socket?.close();
  await database?.drop();
});

describe('database URLs', () => {
  it('accepts the socket form Cloud Run needs, with the password apart', () => {
    const config = loadConfig({
      DATABASE_URL: `postgres://devctx_app@/devctx?host=/cloudsql/${instance}`,
      DATABASE_PASSWORD: 'from-its-own-secret',
    });
    expect(connectionSettings(config.DATABASE_URL, config.DATABASE_PASSWORD)).toMatchObject({
      host: `/cloudsql/${instance}`,
      user: 'devctx_app',
      database: 'devctx',
      password: 'from-its-own-secret',
    });
    // The password apart wins over one left in the URL.
    expect(connectionSettings('postgres://u:old@127.0.0.1:5432/d', 'new').password).toBe('new');
    expect(connectionSettings('postgres://u:old@127.0.0.1:5432/d').password).toBe('old');
  });

  it('refuses what pg could not connect with, naming the variable', () => {
    for (const url of [
      'postgres://devctx_app@/devctx', // no host, no socket
      'postgres://127.0.0.1:5432', // no database
      'http://127.0.0.1:5432/devctx',
      'devctx',
    ]) {
      expect(() => loadConfig({ DATABASE_URL: url }), url).toThrow(ConfigError);
    }
  });

  it('connects through a Cloud SQL socket directory, as a function does', async () => {
    const name = new URL(database.appUrl).pathname.slice(1);
    const handle = createDatabase({
      url: `postgres://devctx_app@/${name}?host=${socket.root}/${instance}`,
      password: 'ignored-by-trust-auth',
      poolMax: 1,
      statementTimeoutMs: 5_000,
      log: createLogger('silent'),
    });
    try {
      const { rows } = await handle.pool.query<{ user: string; db: string }>(
        'select current_user as user, current_database() as db',
      );
      expect(rows[0]).toEqual({ user: 'devctx_app', db: name });
    } finally {
      await handle.close();
    }
  });
});
