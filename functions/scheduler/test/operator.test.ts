import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
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
import { operatorRoutes } from '../src/operator-routes.ts';

// The tier is the platform operator's: changed through the private scheduler function's
// operator route, or by a self-hoster's `npm run tier`, and audited as the operator's.
const SECRET = 'the-scheduler-shared-secret-for-tests';
const tenantId = randomUUID();
let database: TestDatabase;
let server: TestServer;

beforeAll(async () => {
  database = await createTestDatabase();
  await adminQuery(
    database.adminUrl,
    `insert into tenants (id, slug, name) values ($1, 'operated', 'Operated');
     insert into tenant_usage (tenant_id) values ($1);`.replaceAll('$1', `'${tenantId}'`),
  );
  server = await startTestServer([...healthRoutes, ...operatorRoutes], database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
  });
});
afterAll(async () => {
  await server.close();
  await database.drop();
});

const tierOf = async () =>
  (await adminQuery(database.adminUrl, 'select tier from tenants where id = $1', [tenantId]))[0]
    ?.tier;

describe('the operator changes a tier', () => {
  it('through the operator route, and only with the operator’s credential', async () => {
    const stranger = new Client(server.baseUrl, 'not-the-secret-not-the-secret-not');
    expect(
      (await stranger.post('/operator/tenants/operated/tier', { tier: 'enterprise' })).status,
    ).toBe(401);
    expect(await tierOf()).toBe('free');
    const operator = new Client(server.baseUrl, SECRET);
    const changed = await operator.post('/operator/tenants/operated/tier', { tier: 'pro' });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ tier: 'pro', users: { limit: 50 } });
    expect((await operator.post('/operator/tenants/nobody/tier', { tier: 'pro' })).status).toBe(
      404,
    );
    const [entry] = await adminQuery(
      database.adminUrl,
      `select details from audit_log where tenant_id = $1 and action = 'tenant.tier_changed'`,
      [tenantId],
    );
    expect(entry?.details).toEqual({ from: 'free', to: 'pro', by: 'operator' });
  });

  // Two fresh Node processes: seconds when every package's tests share two cores.
  it('with npm run tier, as a self-hoster does', { timeout: 60_000 }, async () => {
    const root = path.resolve(import.meta.dirname, '..', '..', '..');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['scripts/set-tier.ts', ...args], {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: database.appUrl,
          METADATA_SERVER_DETECTION: 'none',
        },
      });
    const { stdout } = await run('operated', 'enterprise');
    expect(stdout).toContain('operated is on the enterprise tier now.');
    expect(await tierOf()).toBe('enterprise');
    const wrong = await run('operated', 'platinum').catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(wrong).toMatchObject({ code: 64 });
    expect((wrong as { stderr: string }).stderr).toContain('usage: npm run tier');
  });
});
