import { adminQuery, type Client } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositoriesRoutes } from '../src/routes.ts';
import { addUser, gitLog, type SignedUp, signup, startRepositories } from './support.ts';

// Every repositories route with tenant A's ids: tenant B gets 404 and A is unchanged; a
// viewer of A may read (200) but not write (403). The coverage check fails on a missing route.
let h: Awaited<ReturnType<typeof startRepositories>>;
let a: SignedUp;
let b: SignedUp;
let viewer: Client;
const ids: Record<string, string> = {};
const SHA = 'c'.repeat(40);

beforeAll(async () => {
  h = await startRepositories();
  a = await signup(h.anonymous, 'repo-a');
  b = await signup(h.anonymous, 'repo-b');
  viewer = (await addUser(a, 'viewer')).client;
  const repo = (
    await a.client.post('/v1/repositories', { provider: 'github', fullName: 'secret/repo' })
  ).body;
  ids.repo = repo.id;
  ids.secret = repo.webhookSecret;
  await a.client.post(`/v1/repositories/${repo.id}/sync`, {
    gitLog: gitLog([
      {
        sha: SHA,
        name: 'A',
        email: 'a@a.example',
        date: '2026-11-01T00:00:00Z',
        message: 'Secret commit',
      },
    ]),
  });
  // A stored delivery of A's, to redeliver.
  const [row] = await adminQuery(
    h.database.adminUrl,
    `insert into webhook_deliveries (tenant_id, repository_id, delivery_id, event, content_type, payload, byte_size)
     values ($1, $2, 'd-1', 'ping', 'application/json', '{}', 2) returning id`,
    [a.tenant.id, repo.id],
  );
  ids.delivery = row?.id;
});
afterAll(() => h.close());

type Case = { method: string; path: string; body?: unknown; viewer: number };
const cases: Case[] = [
  { method: 'GET', path: '/v1/repositories/{repo}', viewer: 200 },
  {
    method: 'PATCH',
    path: '/v1/repositories/{repo}',
    body: { defaultBranch: 'pwned' },
    viewer: 403,
  },
  { method: 'DELETE', path: '/v1/repositories/{repo}', viewer: 403 },
  { method: 'POST', path: '/v1/repositories/{repo}/webhook-secret', body: {}, viewer: 403 },
  { method: 'GET', path: '/v1/repositories/{repo}/commits', viewer: 200 },
  { method: 'GET', path: `/v1/repositories/{repo}/commits/${SHA}`, viewer: 200 },
  { method: 'POST', path: '/v1/repositories/{repo}/sync', body: {}, viewer: 403 },
  { method: 'GET', path: '/v1/repositories/{repo}/sync-events', viewer: 200 },
  { method: 'GET', path: '/v1/repositories/{repo}/deliveries', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/repositories/{repo}/deliveries/{delivery}/redeliver',
    body: {},
    viewer: 403,
  },
];
const tenantCases: Case[] = [
  { method: 'GET', path: '/v1/repositories', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/repositories',
    body: { provider: 'github', fullName: 'v/x' },
    viewer: 403,
  },
];
const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? name);
const call = (client: Client, c: Case) =>
  client.request(
    c.method,
    fill(c.path),
    c.body ?? (c.method === 'GET' || c.method === 'DELETE' ? undefined : {}),
  );

describe("another tenant's ids", () => {
  it.each(cases.map((c) => [`${c.method} ${c.path}`, c] as const))('%s -> 404', async (_, c) => {
    expect((await call(b.client, c)).status).toBe(404);
  });

  it("left A's data as it was, and B's listings show none of it", async () => {
    const repo = (await a.client.get(`/v1/repositories/${ids.repo}`)).body;
    expect(repo).toMatchObject({ fullName: 'secret/repo', defaultBranch: 'main' });
    expect((await a.client.get(`/v1/repositories/${ids.repo}/commits`)).body.items).toHaveLength(1);
    expect(
      (await a.client.get(`/v1/repositories/${ids.repo}/sync-events`)).body.items,
    ).toHaveLength(1);
    const listing = JSON.stringify((await b.client.get('/v1/repositories')).body);
    for (const secret of [ids.repo, 'secret/repo']) expect(listing).not.toContain(secret);
  });
});

describe('a viewer', () => {
  it.each([...cases, ...tenantCases].map((c) => [`${c.method} ${c.path}`, c] as const))(
    '%s',
    async (_, c) => {
      expect((await call(viewer, c)).status).toBe(c.viewer);
    },
  );
  it('never sees the webhook secret in any readable response', async () => {
    for (const c of [...cases, ...tenantCases].filter((x) => x.method === 'GET')) {
      expect(JSON.stringify((await call(viewer, c)).body)).not.toContain(ids.secret);
    }
  });
});

describe('coverage', () => {
  it('every repositories route is in the tables above', () => {
    const template = (path: string) =>
      path.replace(/\{\w+\}/g, '{}').replace(/\/commits\/[0-9a-f]{40}$/, '/commits/{}');
    const covered = new Set(
      [...cases, ...tenantCases].map((c) => `${c.method} ${template(c.path)}`),
    );
    expect(
      repositoriesRoutes
        .map((r) => `${r.method} ${template(r.path)}`)
        .filter((r) => !covered.has(r)),
    ).toEqual([]);
  });
});
