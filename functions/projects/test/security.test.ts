import type { Client } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectsRoutes } from '../src/routes.ts';
import { addUser, type SignedUp, signup, startProjects } from './support.ts';

// Every projects route with tenant A's ids: tenant B's owner gets 404 and A is unchanged;
// a viewer of A may read (200) but not write (403). The coverage check fails when a new
// route is missing here.
let h: Awaited<ReturnType<typeof startProjects>>;
let a: SignedUp;
let b: SignedUp;
let viewer: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startProjects();
  a = await signup(h.anonymous, 'proj-a');
  b = await signup(h.anonymous, 'proj-b');
  viewer = (await addUser(a, 'viewer')).client;
  const project = (
    await a.client.post('/v1/projects', { slug: 'secret-project', name: 'Secret Project' })
  ).body;
  await a.client.post(`/v1/projects/${project.id}/plans`, {
    markdown: '## Phase 1: hidden\n- [ ] goal',
  });
  const list = (
    await a.client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Secret List',
      markdown: '- [ ] secret one\n- [ ] secret two\n',
    })
  ).body;
  const tasks = (await a.client.get(`/v1/task-lists/${list.id}/tasks`)).body.items;
  await a.client.post(`/v1/tasks/${tasks[0].id}/dependencies`, { dependsOnId: tasks[1].id });
  Object.assign(ids, {
    project: project.id,
    list: list.id,
    task: tasks[0].id,
    other: tasks[1].id,
    user: a.user.id,
    version: '1',
  });
});
afterAll(() => h.close());

type Case = { method: string; path: string; body?: unknown; viewer: number };
const cases: Case[] = [
  { method: 'GET', path: '/v1/projects/{project}', viewer: 200 },
  { method: 'PATCH', path: '/v1/projects/{project}', body: { name: 'pwned' }, viewer: 403 },
  { method: 'DELETE', path: '/v1/projects/{project}', viewer: 403 },
  { method: 'GET', path: '/v1/projects/{project}/stats', viewer: 200 },
  { method: 'GET', path: '/v1/projects/{project}/plans', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/projects/{project}/plans',
    body: { markdown: '## pwned' },
    viewer: 403,
  },
  { method: 'GET', path: '/v1/projects/{project}/plans/{version}', viewer: 200 },
  { method: 'GET', path: '/v1/projects/{project}/task-lists', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/projects/{project}/task-lists',
    body: { name: 'pwned' },
    viewer: 403,
  },
  { method: 'GET', path: '/v1/task-lists/{list}', viewer: 200 },
  { method: 'PATCH', path: '/v1/task-lists/{list}', body: { name: 'pwned' }, viewer: 403 },
  { method: 'DELETE', path: '/v1/task-lists/{list}', viewer: 403 },
  { method: 'GET', path: '/v1/task-lists/{list}/markdown', viewer: 200 },
  { method: 'GET', path: '/v1/task-lists/{list}/stats', viewer: 200 },
  { method: 'GET', path: '/v1/task-lists/{list}/sections', viewer: 200 },
  { method: 'GET', path: '/v1/task-lists/{list}/tasks', viewer: 200 },
  { method: 'POST', path: '/v1/task-lists/{list}/tasks', body: { title: 'pwned' }, viewer: 403 },
  {
    method: 'POST',
    path: '/v1/task-lists/{list}/tasks/bulk',
    body: { operations: [{ op: 'toggle', taskId: '{task}' }] },
    viewer: 403,
  },
  { method: 'GET', path: '/v1/tasks/{task}', viewer: 200 },
  { method: 'PATCH', path: '/v1/tasks/{task}', body: { title: 'pwned' }, viewer: 403 },
  { method: 'DELETE', path: '/v1/tasks/{task}', viewer: 403 },
  { method: 'POST', path: '/v1/tasks/{task}/toggle', body: {}, viewer: 403 },
  { method: 'POST', path: '/v1/tasks/{task}/assign', body: { userId: null }, viewer: 403 },
  { method: 'GET', path: '/v1/tasks/{task}/dependencies', viewer: 200 },
  {
    method: 'POST',
    path: '/v1/tasks/{task}/dependencies',
    body: { dependsOnId: '{other}' },
    viewer: 403,
  },
  { method: 'DELETE', path: '/v1/tasks/{task}/dependencies/{other}', viewer: 403 },
  { method: 'GET', path: '/v1/tasks/{task}/comments', viewer: 200 },
  { method: 'POST', path: '/v1/tasks/{task}/comments', body: { body: 'pwned' }, viewer: 403 },
];
const listCases: Case[] = [
  { method: 'GET', path: '/v1/projects', viewer: 200 },
  { method: 'POST', path: '/v1/projects', body: { slug: 'x', name: 'x' }, viewer: 403 },
];

const fill = (text: string) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? `{${name}}`);
const call = (client: Client, c: Case) =>
  client.request(
    c.method,
    fill(c.path),
    c.body === undefined
      ? c.method === 'GET' || c.method === 'DELETE'
        ? undefined
        : {}
      : JSON.parse(fill(JSON.stringify(c.body))),
  );

describe("another tenant's ids", () => {
  it.each(cases.map((c) => [`${c.method} ${c.path}`, c] as const))('%s -> 404', async (_, c) => {
    const reply = await call(b.client, c);
    expect(reply.status).toBe(404);
  });

  it("left tenant A's data as it was, and B's lists show none of it", async () => {
    expect((await a.client.get(`/v1/projects/${ids.project}`)).body.name).toBe('Secret Project');
    const tasks = (await a.client.get(`/v1/task-lists/${ids.list}/tasks`)).body.items;
    expect(tasks.map((t: { title: string; checked: boolean }) => [t.title, t.checked])).toEqual([
      ['secret one', false],
      ['secret two', false],
    ]);
    expect((await a.client.get(`/v1/tasks/${ids.task}/dependencies`)).body.items).toHaveLength(1);
    const listing = JSON.stringify((await b.client.get('/v1/projects')).body);
    for (const secret of [ids.project, 'secret-project', 'Secret'])
      expect(listing).not.toContain(secret);
  });
});

describe('a viewer', () => {
  it.each([...cases, ...listCases].map((c) => [`${c.method} ${c.path}`, c] as const))(
    '%s',
    async (_, c) => {
      const reply = await call(viewer, c);
      expect(reply.status).toBe(c.viewer);
    },
  );
});

describe('coverage', () => {
  it('every projects route is in the tables above', () => {
    const template = (path: string) => path.replace(/\{\w+\}/g, '{}');
    const covered = new Set([...cases, ...listCases].map((c) => `${c.method} ${template(c.path)}`));
    const missing = projectsRoutes
      .map((r) => `${r.method} ${template(r.path)}`)
      .filter((r) => !covered.has(r));
    expect(missing).toEqual([]);
  });
});
