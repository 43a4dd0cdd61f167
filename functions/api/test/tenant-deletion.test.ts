import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addUser, type SignedUp, signup } from '@devctx/identity/testing';
import { schedulerRoutes } from '@devctx/scheduler/routes';
import { LocalObjectStorage } from '@devctx/shared';
import {
  adminQuery,
  Client,
  eventually,
  setTenantTier,
  startTestServer,
  type TestServer,
} from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { buildTenantWorld } from './support/world.ts';

// Leaving: an owner schedules the tenant's deletion; it is read-only and restorable for 30
// days, then the scheduler deletes it. Proven from the catalogue: afterwards no table with
// a tenant_id holds a row of it, and storage holds no object under its prefix.
const SECRET = 'the-scheduler-secret-of-this-test';
let storageDir: string;
let api: ApiServer;
let scheduler: TestServer;
let anonymous: Client;
let a: SignedUp;
let b: SignedUp;

/** Rows of the tenant in every table that has a tenant_id, from the catalogue. */
async function rowsOf(tenantId: string): Promise<Record<string, number>> {
  const tables = await adminQuery<{ name: string }>(
    api.database.adminUrl,
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')`,
  );
  expect(tables.length).toBeGreaterThan(30);
  // One statement over every table: a connection per table took seconds under CI's load.
  const rows = await adminQuery<{ name: string; n: string }>(
    api.database.adminUrl,
    [
      ...tables.map(
        ({ name }) => `select '${name}' as name, count(*) as n from "${name}" where tenant_id = $1`,
      ),
      `select 'tenants' as name, count(*) as n from tenants where id = $1`,
    ].join(' union all '),
    [tenantId],
  );
  const counts: Record<string, number> = {};
  for (const row of rows) if (Number(row.n)) counts[row.name] = Number(row.n);
  return counts;
}
const runScheduled = (name: string) => new Client(scheduler.baseUrl, SECRET).post(`/jobs/${name}`);

beforeAll(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), 'devctx-leaving-'));
  api = await startApiServer({ STORAGE_LOCAL_DIR: storageDir });
  scheduler = await startTestServer(schedulerRoutes, api.database.appUrl, {
    INTERNAL_SHARED_SECRET: SECRET,
    STORAGE_LOCAL_DIR: storageDir,
    TASKS_POLL_MS: '3600000',
  });
  anonymous = new Client(api.baseUrl);
  a = await signup(anonymous, 'leaving-a');
  b = await signup(anonymous, 'leaving-b');
  await setTenantTier(api.database.adminUrl, a.tenant.id, 'pro');
  const member = await addUser(a, 'member', 'Mo');
  await buildTenantWorld(a, member.user.id, api.database.adminUrl);
  await b.client.post('/v1/projects', { slug: 'b-stays', name: 'B stays' });
});
afterAll(async () => {
  await scheduler.close();
  await api.close();
});

describe('leaving', () => {
  it('needs an owner, who types the slug', async () => {
    const admin = await addUser(a, 'admin', 'Al');
    expect((await admin.client.delete(`/v1/tenant?confirm=${a.tenant.slug}`)).status).toBe(403);
    expect((await a.client.delete('/v1/tenant')).status).toBe(400);
    expect((await a.client.delete('/v1/tenant?confirm=something-else')).status).toBe(400);
    expect((await a.client.get('/v1/tenant')).body.deletionDueAt).toBeNull();
  });

  it('makes the tenant read-only for 30 days, and restorable', async () => {
    const scheduled = await a.client.delete(`/v1/tenant?confirm=${a.tenant.slug}`);
    expect(scheduled.status).toBe(202);
    const due = new Date(scheduled.body.deletionDueAt).getTime() - Date.now();
    expect(Math.round(due / 86_400_000)).toBe(30);

    const refused = await a.client.post('/v1/projects', { slug: 'late', name: 'Too late' });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toContain('tenant-deleting');
    expect((await a.client.get('/v1/projects')).status).toBe(200);
    expect((await a.client.get('/v1/me')).body.writesWithheld).toBe('tenant_deleting');
    // Owners may still take their data with them.
    const archive = await a.client.post('/v1/tenant/exports');
    expect(archive.status).toBe(202);
    await eventually(
      () => a.client.get(`/v1/tenant/exports/${archive.body.id}`),
      (r) => r.body.status !== 'queued',
    );
    // Another tenant is not touched.
    expect((await b.client.post('/v1/projects', { slug: 'b-more', name: 'More' })).status).toBe(
      201,
    );

    // Nothing more comes in: no scheduled sync, no webhook delivery.
    const [repository] = (await a.client.get('/v1/repositories')).body.items;
    await adminQuery(
      api.database.adminUrl,
      'update repositories set sync_enabled = true where id = $1',
      [repository.id],
    );
    const intake = async () => ({
      due: (
        await adminQuery(api.database.adminUrl, 'select id from repositories_due_for_sync(1000)')
      ).some((r) => r.id === repository.id),
      webhook: (
        await adminQuery(api.database.adminUrl, 'select * from webhook_target($1)', [repository.id])
      ).length,
    });
    expect(await intake()).toEqual({ due: false, webhook: 0 });

    const restored = await a.client.post('/v1/tenant/restore');
    expect(restored.status).toBe(200);
    expect(restored.body.deletionDueAt).toBeNull();
    expect((await a.client.post('/v1/projects', { slug: 'back', name: 'Back' })).status).toBe(201);
    expect((await a.client.post('/v1/tenant/restore')).status).toBe(409);
    expect(await intake()).toEqual({ due: true, webhook: 1 });
    const audit = (await a.client.get('/v1/audit-log?limit=20')).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['tenant.deletion_scheduled', 'tenant.restored']));
  });

  it('after the 30 days, leaves no row in any tenant table and no stored object', async () => {
    expect(await new LocalObjectStorage(storageDir).list(a.tenant.id)).not.toEqual([]);
    const before = await rowsOf(a.tenant.id);
    expect(Object.keys(before).length).toBeGreaterThan(20);
    expect((await a.client.delete(`/v1/tenant?confirm=${a.tenant.slug}`)).status).toBe(202);
    // Not yet due: the purge leaves it.
    expect((await runScheduled('purge-deleted-tenants')).body.result).toEqual({ purged: {} });
    await adminQuery(
      api.database.adminUrl,
      `update tenants set deletion_due_at = now() - interval '1 second' where id = $1`,
      [a.tenant.id],
    );
    // Past its day the purge may begin at any moment: no restore, no new archive.
    expect((await a.client.post('/v1/tenant/restore')).status).toBe(409);
    expect((await a.client.post('/v1/tenant/exports')).status).toBe(409);
    const purge = await runScheduled('purge-deleted-tenants');
    expect(purge.status).toBe(200);
    expect(purge.body.result.purged[a.tenant.id]).toMatchObject({ messages: before.messages });
    expect(await rowsOf(a.tenant.id)).toEqual({});
    expect(await new LocalObjectStorage(storageDir).list(a.tenant.id)).toEqual([]);
    // Its people are gone with it; the other tenant is whole.
    expect((await a.client.get('/v1/me')).status).toBe(401);
    expect((await b.client.get('/v1/projects')).body.items).toHaveLength(2);
  });
});
