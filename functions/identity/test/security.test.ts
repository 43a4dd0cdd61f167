import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityRoutes } from '../src/routes.ts';
import {
  addUser,
  type Client,
  type IdentityHarness,
  type SignedUp,
  signup,
  startIdentity,
} from './support.ts';

// Tenant isolation and authorization, route by route: every identity operation is tried
// with tenant A's ids by tenant B's owner (404, and A unchanged), and by a lesser role of
// A (403). A last check makes sure no route of the family escapes this table.
let h: IdentityHarness;
let a: SignedUp;
let b: SignedUp;
let viewer: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startIdentity();
  a = await signup(h.anonymous, 'tenant-a');
  b = await signup(h.anonymous, 'tenant-b');
  const member = await addUser(a, 'member', 'alice');
  viewer = (await addUser(a, 'viewer', 'victor')).client;
  const role = await a.client.post('/v1/roles', { name: 'a-role', permissions: ['teams:read'] });
  const team = await a.client.post('/v1/teams', { name: 'a-team' });
  await a.client.post(`/v1/teams/${team.body.id}/members`, { userId: member.user.id });
  const key = await member.client.post('/v1/api-keys', {
    name: 'a-key',
    permissions: ['profile:read'],
  });
  const memberRole = (await a.client.get('/v1/roles')).body.items.find(
    (r: { name: string }) => r.name === 'member',
  );
  const [job] = await adminQuery(
    h.database.adminUrl,
    `insert into jobs (tenant_id, kind, state, finished_at) values ($1, 'imports.v1', 'dead', now()) returning id`,
    [a.tenant.id],
  );
  const archive = await a.client.post('/v1/tenant/exports');
  const [archiveImport] = await adminQuery(
    h.database.adminUrl,
    `insert into tenant_imports (tenant_id, status, requested_by, storage_key, bytes, error, finished_at)
     values ($1, 'failed', $2, 'imports/tenant-x.ndjson.gz', 10, 'cut short', now()) returning id`,
    [a.tenant.id, a.user.id],
  );
  Object.assign(ids, {
    export: archive.body.id,
    archiveImport: archiveImport?.id,
    user: member.user.id,
    role: role.body.id,
    memberRole: memberRole.id,
    team: team.body.id,
    key: key.body.apiKey.id,
    keySecret: key.body.secret,
    job: job?.id,
  });
});
afterAll(() => h.close());

/** A path names its ids by role ({user}, {team}, …); they are filled in with tenant A's. */
type Case = { method: string; path: string; body?: () => unknown; viewer: number };
const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] as string);

// viewer: what a viewer of tenant A gets (200 for reads they may do, 403 otherwise).
const idCases: Case[] = [
  { method: 'GET', path: '/v1/users/{user}', viewer: 200 },
  { method: 'PATCH', path: '/v1/users/{user}', body: () => ({ name: 'pwned' }), viewer: 403 },
  { method: 'DELETE', path: '/v1/users/{user}', viewer: 403 },
  { method: 'POST', path: '/v1/users/{user}/reactivate', viewer: 403 },
  { method: 'POST', path: '/v1/users/{user}/erase', viewer: 403 },
  { method: 'POST', path: '/v1/users/{user}/invitation', body: () => ({}), viewer: 403 },
  { method: 'DELETE', path: '/v1/users/{user}/invitation', viewer: 403 },
  { method: 'GET', path: '/v1/users/{user}/roles', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/users/{user}/roles',
    body: () => ({ roleId: ids.role }),
    viewer: 403,
  },
  { method: 'DELETE', path: '/v1/users/{user}/roles/{memberRole}', viewer: 403 },
  { method: 'GET', path: '/v1/roles/{role}', viewer: 200 },
  { method: 'PATCH', path: '/v1/roles/{role}', body: () => ({ name: 'pwned' }), viewer: 403 },
  { method: 'DELETE', path: '/v1/roles/{role}', viewer: 403 },
  { method: 'GET', path: '/v1/teams/{team}', viewer: 200 },
  { method: 'PATCH', path: '/v1/teams/{team}', body: () => ({ name: 'pwned' }), viewer: 403 },
  { method: 'DELETE', path: '/v1/teams/{team}', viewer: 403 },
  { method: 'GET', path: '/v1/teams/{team}/members', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/teams/{team}/members',
    body: () => ({ userId: ids.user }),
    viewer: 403,
  },
  { method: 'DELETE', path: '/v1/teams/{team}/members/{user}', viewer: 403 },
  { method: 'GET', path: '/v1/jobs/{job}', viewer: 200 },
  { method: 'POST', path: '/v1/jobs/{job}/retry', viewer: 403 },
  // What only owners do: their tenant's archives.
  { method: 'GET', path: '/v1/tenant/exports/{export}', viewer: 403 },
  { method: 'GET', path: '/v1/tenant/exports/{export}/archive', viewer: 403 },
  { method: 'GET', path: '/v1/tenant/imports/{archiveImport}', viewer: 403 },
  // Keys belong to their user: another user of the same tenant gets 404 too.
  { method: 'DELETE', path: '/v1/api-keys/{key}', viewer: 404 },
];

const tenantCases: Case[] = [
  { method: 'GET', path: '/v1/users', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/users',
    body: () => ({ email: 'x@x.example', name: 'X' }),
    viewer: 403,
  },
  { method: 'GET', path: '/v1/roles', viewer: 200 },
  { method: 'POST', path: '/v1/roles', body: () => ({ name: 'r', permissions: [] }), viewer: 403 },
  { method: 'GET', path: '/v1/teams', viewer: 200 },
  { method: 'POST', path: '/v1/teams', body: () => ({ name: 'T' }), viewer: 403 },
  { method: 'GET', path: '/v1/tenant', viewer: 200 },
  { method: 'PATCH', path: '/v1/tenant', body: () => ({ name: 'pwned' }), viewer: 403 },
  { method: 'GET', path: '/v1/tenant/usage', viewer: 200 },
  { method: 'GET', path: '/v1/audit-log', viewer: 403 },
  { method: 'GET', path: '/v1/api-keys', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/api-keys',
    body: () => ({ name: 'k', permissions: ['users:invite'] }),
    viewer: 403,
  },
  { method: 'GET', path: '/v1/me', viewer: 200 },
  { method: 'PATCH', path: '/v1/me', body: () => ({ name: 'Victor' }), viewer: 200 },
  { method: 'GET', path: '/v1/permissions', viewer: 200 },
  { method: 'GET', path: '/v1/jobs', viewer: 200 },
  { method: 'POST', path: '/v1/tenant/exports', viewer: 403 },
  { method: 'GET', path: '/v1/tenant/exports', viewer: 403 },
  { method: 'POST', path: '/v1/tenant/imports', viewer: 403 },
  { method: 'DELETE', path: '/v1/tenant?confirm=x', viewer: 403 },
  { method: 'POST', path: '/v1/tenant/restore', viewer: 403 },
];

const call = (client: Client, c: Case) =>
  client.request(
    c.method,
    fill(c.path),
    c.body?.() ?? (c.method === 'GET' || c.method === 'DELETE' ? undefined : {}),
  );

describe("another tenant's ids", () => {
  it.each(idCases.map((c) => [`${c.method} ${c.path}`, c] as const))('%s -> 404', async (_, c) => {
    const reply = await call(b.client, c);
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('not_found');
  });

  it("left tenant A's data exactly as it was", async () => {
    const user = await a.client.get(`/v1/users/${ids.user}`);
    expect(user.body).toMatchObject({ name: 'alice', status: 'active' });
    expect(user.body.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    expect((await a.client.get(`/v1/roles/${ids.role}`)).body.name).toBe('a-role');
    expect((await a.client.get(`/v1/teams/${ids.team}`)).body.name).toBe('a-team');
    expect((await a.client.get(`/v1/teams/${ids.team}/members`)).body.items).toHaveLength(1);
    expect((await h.anonymous.as(ids.keySecret).get('/v1/me')).status).toBe(200);
  });

  it("no response to tenant B contains a byte of A's data", async () => {
    const secrets = [
      a.tenant.id,
      a.tenant.slug,
      a.user.email,
      ids.user,
      ids.role,
      ids.team,
      ids.key,
      'alice',
      'a-role',
      'a-team',
    ];
    for (const c of tenantCases) {
      const reply = await call(b.client, c);
      const text = JSON.stringify(reply.body ?? '');
      for (const secret of secrets) expect(text, `${c.method} ${c.path}`).not.toContain(secret);
    }
  });
});

describe('a lesser role', () => {
  it.each([...idCases, ...tenantCases].map((c) => [`${c.method} ${c.path}`, c] as const))(
    'viewer: %s',
    async (_, c) => {
      const reply = await call(viewer, c);
      expect(reply.status).toBe(c.viewer);
      if (c.viewer === 403) expect(reply.body.code).toBe('forbidden');
    },
  );

  it('an API key without the permission is refused even though its user has it', async () => {
    const machine = h.anonymous.as(ids.keySecret);
    expect((await machine.get('/v1/users')).status).toBe(403);
    expect((await machine.get('/v1/teams')).status).toBe(403);
  });
});

describe('coverage', () => {
  it('every authenticated identity route is in the tables above', () => {
    const template = (c: Case) => `${c.method} ${c.path.split('?')[0]?.replace(/\{\w+\}/g, '{}')}`;
    const covered = new Set([...idCases, ...tenantCases].map(template));
    // Not tenant-scoped data: signing out and changing one's own password or address have
    // their own tests.
    const ownSession = new Set([
      'POST /v1/auth/logout',
      'POST /v1/me/password',
      'POST /v1/me/email',
      'POST /v1/me/email-verification',
    ]);
    const missing = identityRoutes
      .filter((r) => r.permission !== null)
      .map((r) => `${r.method} ${r.path.replace(/\{\w+\}/g, '{}')}`)
      .filter((r) => !covered.has(r) && !ownSession.has(r));
    expect(missing).toEqual([]);
  });
});
