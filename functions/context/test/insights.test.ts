import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// The v1 views (topics, files, commands) and the overview counts, computed over a tenant's
// messages, tasks and commits, filtered by project and text; another tenant sees none.
let h: Awaited<ReturnType<typeof startContext>>;
let a: SignedUp;
let b: SignedUp;
let projectId: string;

const ingest = async (owner: SignedUp, session: Record<string, unknown>, messages: unknown[]) => {
  const s = (await owner.client.post('/v1/sessions', { tool: 'claude-code', ...session })).body;
  const c = (await owner.client.post(`/v1/sessions/${s.id}/conversations`, {})).body;
  const reply = await owner.client.post(`/v1/conversations/${c.id}/messages`, { messages });
  expect(reply.status).toBe(201);
  return s;
};

beforeAll(async () => {
  h = await startContext();
  a = await signup(h.anonymous, 'insights-a');
  b = await signup(h.anonymous, 'insights-b');
  projectId = (await a.client.post('/v1/projects', { slug: 'web', name: 'Web' })).body.id;
  const list = await a.client.post(`/v1/projects/${projectId}/task-lists`, {
    name: 'Plan',
    markdown: '- [x] Done one\n- [ ] Open one\n- [ ] Open two',
  });
  expect(list.status).toBe(201);
  await ingest(a, { projectId, title: 'In the project' }, [
    {
      role: 'user',
      content: 'fix the exporter',
      tags: ['topic:export', 'topic:bugs'],
      fileReferences: [
        { path: 'src/export.py', operation: 'read' },
        { path: 'README.md', operation: 'mention' },
      ],
      commands: ['pytest -q'],
      occurredAt: '2025-11-20T10:00:00Z',
    },
    {
      role: 'assistant',
      content: 'fixed',
      tags: ['topic:export'],
      fileReferences: [{ path: 'src/export.py', operation: 'edit' }],
      commands: ['pytest -q', 'git commit -m fix'],
      occurredAt: '2025-11-20T10:05:00Z',
    },
  ]);
  await ingest(a, { title: 'Elsewhere' }, [
    {
      role: 'user',
      content: 'docs',
      tags: ['topic:docs'],
      fileReferences: [{ path: 'README.md', operation: 'write' }],
      commands: ['npm test'],
      occurredAt: '2025-11-21T09:00:00Z',
    },
  ]);
  await ingest(b, { title: 'B only' }, [
    { role: 'user', content: 'b', tags: ['topic:b-secret'], commands: ['b-secret-cmd'] },
  ]);
});
afterAll(() => h.close());

describe('insights', () => {
  it('count tags by messages and sessions, most used first', async () => {
    const { body } = await a.client.get('/v1/insights/tags');
    expect(body.items).toEqual([
      { tag: 'topic:export', messages: 2, sessions: 1 },
      { tag: 'topic:bugs', messages: 1, sessions: 1 },
      { tag: 'topic:docs', messages: 1, sessions: 1 },
    ]);
  });

  it('rank files by references, with their operations and last reference', async () => {
    const { body } = await a.client.get('/v1/insights/files');
    expect(body.items[0]).toEqual({
      path: 'README.md',
      operations: ['mention', 'write'],
      references: 2,
      sessions: 2,
      lastReferencedAt: '2025-11-21T09:00:00.000Z',
    });
    expect(body.items[1]).toMatchObject({ path: 'src/export.py', operations: ['edit', 'read'] });
  });

  it('filter by project and by text', async () => {
    const inProject = await a.client.get(`/v1/insights/commands?projectId=${projectId}`);
    expect(
      inProject.body.items.map((c: { command: string; runs: number }) => [c.command, c.runs]),
    ).toEqual([
      ['pytest -q', 2],
      ['git commit -m fix', 1],
    ]);
    const text = await a.client.get('/v1/insights/files?q=EXPORT');
    expect(text.body.items.map((f: { path: string }) => f.path)).toEqual(['src/export.py']);
    const wildcard = await a.client.get('/v1/insights/tags?q=%25');
    expect(wildcard.body.items).toEqual([]);
  });

  it('overview counts sessions, messages, tasks and files, with recent activity', async () => {
    const { body } = await a.client.get('/v1/insights/overview');
    expect(body).toMatchObject({
      sessions: 2,
      messages: 3,
      commits: 0,
      projects: 1,
      tasks: { open: 2, done: 1 },
      filesTouched: 2,
    });
    expect(body.recent.map((r: { kind: string; title: string }) => [r.kind, r.title])).toEqual([
      ['session', 'Elsewhere'],
      ['session', 'In the project'],
    ]);
  });

  it('keep exact counts as sessions grow, are sent again, move project or are deleted', async () => {
    const c = await signup(h.anonymous, 'insights-c');
    const longCommand = `echo ${'x'.repeat(9_995)}`;
    const longPath = `src/${'日'.repeat(1_990)}.ts`;
    const first = {
      role: 'user',
      content: 'one',
      externalId: 'm1',
      tags: ['topic:a'],
      fileReferences: [{ path: longPath, operation: 'read' }],
      commands: [longCommand],
      occurredAt: '2025-11-20T10:00:00Z',
    };
    const session = await ingest(c, { title: 'Growing' }, [first]);
    const conversation = (await c.client.post(`/v1/sessions/${session.id}/conversations`, {})).body;
    const send = (messages: unknown[]) =>
      c.client.post(`/v1/conversations/${conversation.id}/messages`, { messages });
    // The same message again (same external id, other conversation of the same session:
    // a new message; same conversation: nothing) and a new one.
    expect((await send([first])).status).toBe(201);
    expect((await send([first, { ...first, externalId: 'm2', fileReferences: [] }])).status).toBe(
      201,
    );
    const tags = async (query = '') => (await c.client.get(`/v1/insights/tags${query}`)).body.items;
    expect(await tags()).toEqual([{ tag: 'topic:a', messages: 3, sessions: 1 }]);
    const files = (await c.client.get('/v1/insights/files')).body.items;
    expect(files).toEqual([expect.objectContaining({ path: longPath, references: 2 })]);
    const commands = (await c.client.get('/v1/insights/commands?q=echo')).body.items;
    expect(commands).toEqual([expect.objectContaining({ command: longCommand, runs: 3 })]);
    const stats = (await c.client.get(`/v1/sessions/${session.id}/stats`)).body;
    expect(stats).toMatchObject({
      messages: 3,
      commands: [longCommand],
      filesTouched: [{ path: longPath, operations: ['read'], references: 2 }],
    });

    // The project filter follows the session when it moves into a project.
    const project = (await c.client.post('/v1/projects', { slug: 'p', name: 'P' })).body;
    expect(await tags(`?projectId=${project.id}`)).toEqual([]);
    await c.client.patch(`/v1/sessions/${session.id}`, { projectId: project.id });
    expect(await tags(`?projectId=${project.id}`)).toHaveLength(1);

    expect((await c.client.delete(`/v1/sessions/${session.id}`)).status).toBe(204);
    expect(await tags()).toEqual([]);
    expect((await c.client.get('/v1/insights/overview')).body.filesTouched).toBe(0);
  });

  it("show another tenant nothing of A's, and reject bad filters with 400", async () => {
    const seen = JSON.stringify(
      await Promise.all(
        ['overview', 'tags', 'files', 'commands'].map(
          async (view) => (await b.client.get(`/v1/insights/${view}`)).body,
        ),
      ),
    );
    for (const secret of ['topic:export', 'README.md', 'pytest', 'In the project'])
      expect(seen).not.toContain(secret);
    expect(seen).toContain('b-secret-cmd');
    const other = await b.client.get(`/v1/insights/tags?projectId=${projectId}`);
    expect(other.body.items).toEqual([]);
    const bad = await a.client.get('/v1/insights/files?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});
