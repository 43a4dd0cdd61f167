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
