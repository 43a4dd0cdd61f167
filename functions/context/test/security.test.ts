import type { Client } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextRoutes } from '../src/routes.ts';
import { addUser, type SignedUp, signup, startContext } from './support.ts';

// Every context route with tenant A's ids: tenant B gets 404 and A is unchanged; a viewer
// of A may read (200) but not write (403). The coverage check fails on a missing route.
let h: Awaited<ReturnType<typeof startContext>>;
let a: SignedUp;
let b: SignedUp;
let viewer: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startContext();
  a = await signup(h.anonymous, 'ctx-a');
  b = await signup(h.anonymous, 'ctx-b');
  viewer = (await addUser(a, 'viewer')).client;
  const session = (
    await a.client.post('/v1/sessions', { tool: 'claude-code', title: 'Secret session' })
  ).body;
  const conversation = (
    await a.client.post(`/v1/sessions/${session.id}/conversations`, { title: 'Secret talk' })
  ).body;
  const upload = await a.client.post('/v1/imports', {
    kind: 'claude-code',
    transcript: JSON.stringify({
      type: 'user',
      sessionId: 'import-a',
      uuid: 'u1',
      message: { role: 'user', content: 'SECRET-OF-A import' },
    }),
  });
  ids.import = upload.body.id;
  await a.client.post(`/v1/conversations/${conversation.id}/messages`, {
    messages: [{ role: 'user', content: 'top secret plan' }],
  });
  const repository = (
    await a.client.post('/v1/repositories', { provider: 'github', fullName: 'ctx-a/secret-app' })
  ).body;
  Object.assign(ids, {
    session: session.id,
    conversation: conversation.id,
    repository: repository.id,
  });
});
afterAll(() => h.close());

type Case = { method: string; path: string; body?: unknown; viewer: number };
const cases: Case[] = [
  { method: 'GET', path: '/v1/sessions/{session}', viewer: 200 },
  { method: 'GET', path: '/v1/imports/{import}', viewer: 200 },
  { method: 'PATCH', path: '/v1/sessions/{session}', body: { title: 'pwned' }, viewer: 403 },
  { method: 'DELETE', path: '/v1/sessions/{session}', viewer: 403 },
  { method: 'POST', path: '/v1/sessions/{session}/end', body: {}, viewer: 403 },
  { method: 'GET', path: '/v1/sessions/{session}/stats', viewer: 200 },
  { method: 'GET', path: '/v1/sessions/{session}/commits', viewer: 200 },
  { method: 'GET', path: '/v1/sessions/{session}/conversations', viewer: 200 },
  { method: 'POST', path: '/v1/sessions/{session}/conversations', body: {}, viewer: 403 },
  { method: 'GET', path: '/v1/conversations/{conversation}', viewer: 200 },
  { method: 'GET', path: '/v1/conversations/{conversation}/messages', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/conversations/{conversation}/messages',
    body: { messages: [{ role: 'user', content: 'pwned' }] },
    viewer: 403,
  },
  { method: 'GET', path: '/v1/context/brief?repositoryId={repository}', viewer: 200 },
  // By name, too: another tenant's repository of that name is no repository at all.
  { method: 'GET', path: '/v1/context/brief?repository=ctx-a/secret-app', viewer: 200 },
];
const tenantCases: Case[] = [
  { method: 'GET', path: '/v1/sessions', viewer: 200 },
  { method: 'POST', path: '/v1/sessions', body: { tool: 'x' }, viewer: 403 },
  {
    method: 'POST',
    path: '/v1/messages/dedup-check',
    body: { hashes: ['0'.repeat(64)] },
    viewer: 403,
  },
  { method: 'GET', path: '/v1/search/messages?q=secret', viewer: 200 },
  { method: 'GET', path: '/v1/insights/overview', viewer: 200 },
  { method: 'GET', path: '/v1/insights/tags', viewer: 200 },
  { method: 'GET', path: '/v1/insights/files', viewer: 200 },
  { method: 'GET', path: '/v1/insights/commands', viewer: 200 },
  { method: 'GET', path: '/v1/imports', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/imports/known-messages',
    body: { sessionId: 'import-a', externalIds: ['u1'] },
    viewer: 403,
  },
  {
    method: 'POST',
    path: '/v1/imports',
    body: {
      kind: 'claude-code',
      transcript: JSON.stringify({
        type: 'user',
        sessionId: 's',
        uuid: 'u',
        message: { role: 'user', content: 'hello' },
      }),
    },
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
    expect((await a.client.get(`/v1/sessions/${ids.session}`)).body.title).toBe('Secret session');
    const messages = (await a.client.get(`/v1/conversations/${ids.conversation}/messages`)).body
      .items;
    expect(messages.map((m: { content: string }) => m.content)).toEqual(['top secret plan']);
    const listing = JSON.stringify([
      (await b.client.get('/v1/sessions')).body,
      (await b.client.get('/v1/search/messages?q=secret')).body,
      (await b.client.get('/v1/insights/overview')).body,
    ]);
    for (const secret of [ids.session, 'Secret']) expect(listing).not.toContain(secret);
  });
});

describe('a viewer', () => {
  it.each([...cases, ...tenantCases].map((c) => [`${c.method} ${c.path}`, c] as const))(
    '%s',
    async (_, c) => {
      expect((await call(viewer, c)).status).toBe(c.viewer);
    },
  );
});

describe('coverage', () => {
  it('every context route is in the tables above', () => {
    const template = (path: string) => path.replace(/\{\w+\}/g, '{}').replace(/\?.*$/, '');
    const covered = new Set(
      [...cases, ...tenantCases].map((c) => `${c.method} ${template(c.path)}`),
    );
    expect(
      contextRoutes.map((r) => `${r.method} ${template(r.path)}`).filter((r) => !covered.has(r)),
    ).toEqual([]);
  });
});
