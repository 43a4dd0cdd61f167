import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { healthRoutes } from '@devctx/shared';
import {
  adminQuery,
  Client,
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityFamily } from '../src/family.ts';
import { identityRoutes } from '../src/routes.ts';
import { addUser, signup } from './support.ts';

// Three instances of one deployment on one database, sharing their signing keys:
// `made` handles the changes, `listening` is a long-running instance (LISTEN/NOTIFY),
// `function` a function instance that only has its AUTH_CACHE_SECONDS bound.
const FUNCTION_BOUND_SECONDS = 2;
let database: TestDatabase;
let made: TestServer;
let listening: TestServer;
let fn: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  const keys = path.join(tmpdir(), `devctx-auth-cache-${randomBytes(4).toString('hex')}.json`);
  const start = (cacheSeconds: number, listen = false) =>
    startTestServer(
      [...healthRoutes, ...identityRoutes],
      database.appUrl,
      { JWT_KEYS: 'file', JWT_KEYS_FILE: keys, AUTH_CACHE_SECONDS: String(cacheSeconds) },
      identityFamily.jobs,
      undefined,
      listen,
    );
  // Long bounds where only an invalidation may explain a refusal.
  made = await start(60);
  await new Client(made.baseUrl).get('/.well-known/jwks.json'); // writes the shared key file
  listening = await start(60, true);
  fn = await start(FUNCTION_BOUND_SECONDS);
});
afterAll(async () => {
  await Promise.all([made, listening, fn].map((s) => s?.close()));
  await database?.drop();
});

const on = (server: TestServer, credential: string) => new Client(server.baseUrl).as(credential);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The statuses `server` answers with `credential` until it refuses it (at most `ms`). */
async function untilRefused(server: TestServer, credential: string, ms: number) {
  const started = Date.now();
  for (;;) {
    const status = (await on(server, credential).get('/v1/me')).status;
    if (status === 401 || Date.now() - started > ms)
      return { status, afterMs: Date.now() - started };
    await sleep(20);
  }
}

describe('cached authentication', () => {
  it('a revoked key and a logged-out session are refused at once by the instance that revoked them', async () => {
    const owner = await signup(new Client(made.baseUrl), 'revoker');
    const key = await owner.client.post('/v1/api-keys', {
      name: 'k',
      permissions: ['profile:read'],
    });
    expect((await on(made, key.body.secret).get('/v1/me')).status).toBe(200);
    expect((await owner.client.delete(`/v1/api-keys/${key.body.apiKey.id}`)).status).toBe(204);
    expect((await on(made, key.body.secret).get('/v1/me')).status).toBe(401);

    expect((await owner.client.post('/v1/auth/logout', {})).status).toBe(204);
    expect((await owner.client.get('/v1/me')).status).toBe(401);
  });

  it('another long-running instance hears of a revocation at once; a function instance within its bound', async () => {
    const owner = await signup(new Client(made.baseUrl), 'elsewhere');
    const key = await owner.client.post('/v1/api-keys', {
      name: 'k',
      permissions: ['profile:read'],
    });
    const secret = key.body.secret as string;
    for (const server of [listening, fn]) {
      expect((await on(server, secret).get('/v1/me')).status).toBe(200);
    }
    expect((await owner.client.delete(`/v1/api-keys/${key.body.apiKey.id}`)).status).toBe(204);
    const revokedAt = Date.now();

    // The function instance still knows the key as it was: the documented bound.
    const stale = await on(fn, secret).get('/v1/me');
    if (Date.now() - revokedAt < FUNCTION_BOUND_SECONDS * 1000) expect(stale.status).toBe(200);
    // The listening instance refuses it long before its own 60 s: it heard the change.
    const heard = await untilRefused(listening, secret, 10_000);
    expect(heard.status).toBe(401);
    // And past the bound the function instance refuses it too.
    await sleep(Math.max(0, revokedAt + FUNCTION_BOUND_SECONDS * 1000 + 50 - Date.now()));
    expect((await on(fn, secret).get('/v1/me')).status).toBe(401);
  });

  it('a role taken away on one instance no longer grants anything on a listening one', async () => {
    const owner = await signup(new Client(made.baseUrl), 'roles');
    const member = await addUser(owner, 'admin');
    const token = member.client.token as string;
    expect((await on(listening, token).get('/v1/users?limit=1')).status).toBe(200);
    const roles = await owner.client.get('/v1/roles?limit=200');
    const admin = roles.body.items.find((r: { name: string }) => r.name === 'admin');
    const removed = await owner.client.delete(`/v1/users/${member.user.id}/roles/${admin.id}`);
    expect(removed.status).toBe(204);
    let status = 200;
    for (let i = 0; i < 200 && status === 200; i++) {
      status = (await on(listening, token).get('/v1/users?limit=1')).status;
      if (status === 200) await sleep(20);
    }
    expect(status).toBe(403);
  });
});

describe('the hourly budget counted in memory', () => {
  it('is exact on one instance, and reaches PostgreSQL within a second', async () => {
    const owner = await signup(new Client(made.baseUrl), 'budget');
    await adminQuery(
      database.adminUrl,
      `update tiers set requests_per_hour = 5 where tier = 'free'`,
    );
    try {
      const replies = [];
      for (let i = 0; i < 6; i++) replies.push(await on(fn, owner.accessToken).get('/v1/me'));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 429]);
      expect(replies.slice(0, 5).map((r) => r.headers.get('ratelimit')?.split(';')[1])).toEqual([
        'r=4',
        'r=3',
        'r=2',
        'r=1',
        'r=0',
      ]);
      await sleep(1200);
      const [bucket] = await adminQuery<{ tokens: number }>(
        database.adminUrl,
        'select tokens from rate_limit_buckets where key = $1',
        [`user:${owner.user.id}`],
      );
      expect(bucket?.tokens).toBeLessThan(1);
      // Another instance, knowing nothing of its own yet, reads that and refuses too.
      expect((await on(listening, owner.accessToken).get('/v1/me')).status).toBe(429);
    } finally {
      await adminQuery(
        database.adminUrl,
        `update tiers set requests_per_hour = 1000 where tier = 'free'`,
      );
    }
  });
});
