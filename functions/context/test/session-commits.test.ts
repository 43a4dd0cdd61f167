import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'correlate');
});
afterAll(() => h.close());

const sha = (n: number) => n.toString(16).padEnd(40, '0');
const logOf = (commits: { n: number; at: string; message: string }[]) =>
  commits
    .map((c) => `\x1e${sha(c.n)}\x1fAda\x1fada@example.com\x1f${c.at}\x1f${c.message}\x1f\n`)
    .join('');

describe('a session’s commits', () => {
  it('are the commits of its repository in its time window (plus 15 minutes), with the tasks they touched', async () => {
    const project = (await owner.client.post('/v1/projects', { slug: 'corr', name: 'Corr' })).body;
    const list = (
      await owner.client.post(`/v1/projects/${project.id}/task-lists`, {
        name: 'Work',
        markdown: '- [ ] Ship it\n',
      })
    ).body;
    const [task] = (await owner.client.get(`/v1/task-lists/${list.id}/tasks`)).body.items;
    const repo = (
      await owner.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/corr' })
    ).body;
    await owner.client.post(`/v1/repositories/${repo.id}/sync`, {
      gitLog: logOf([
        { n: 1, at: '2026-11-01T09:59:00Z', message: 'chore: before the session' },
        {
          n: 2,
          at: '2026-11-01T10:30:00Z',
          message: `feat: during\n\nCloses task:${task.id.slice(0, 8)}`,
        },
        { n: 3, at: '2026-11-01T11:10:00Z', message: 'fix: right after the end' },
        { n: 4, at: '2026-11-01T11:30:00Z', message: 'docs: long after' },
      ]),
    });
    const session = (
      await owner.client.post('/v1/sessions', {
        tool: 'claude-code',
        repositoryId: repo.id,
        startedAt: '2026-11-01T10:00:00Z',
      })
    ).body;
    expect(session.repositoryId).toBe(repo.id);
    const conversation = (await owner.client.post(`/v1/sessions/${session.id}/conversations`, {}))
      .body;
    await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        { role: 'user', content: 'Ship it', occurredAt: '2026-11-01T10:01:00Z' },
        { role: 'assistant', content: 'Shipped', occurredAt: '2026-11-01T11:00:00Z' },
      ],
    });

    const found = (await owner.client.get(`/v1/sessions/${session.id}/commits`)).body;
    expect(found.window).toEqual({
      from: '2026-11-01T10:00:00.000Z',
      to: '2026-11-01T11:15:00.000Z',
    });
    expect(found.repositoryIds).toEqual([repo.id]);
    expect(found.commits.map((c: { sha: string }) => c.sha)).toEqual([sha(2), sha(3)]);
    expect(found.tasks).toEqual([
      { taskId: task.id, title: 'Ship it', checked: true, closedBy: [sha(2)], referencedBy: [] },
    ]);
    expect((await owner.client.get(`/v1/sessions/${session.id}/stats`)).body.commits).toBe(2);

    // Ended explicitly: the end bounds the window.
    await owner.client.post(`/v1/sessions/${session.id}/end`, { endedAt: '2026-11-01T10:40:00Z' });
    const ended = (await owner.client.get(`/v1/sessions/${session.id}/commits`)).body;
    expect(ended.commits.map((c: { sha: string }) => c.sha)).toEqual([sha(2)]);
  });

  it('come from the project’s repositories when the session names none; none without either', async () => {
    const project = (await owner.client.post('/v1/projects', { slug: 'corr-2', name: 'Corr 2' }))
      .body;
    const repo = (
      await owner.client.post('/v1/repositories', {
        provider: 'generic',
        fullName: 'acme/corr-2',
        projectId: project.id,
      })
    ).body;
    await owner.client.post(`/v1/repositories/${repo.id}/sync`, {
      gitLog: logOf([{ n: 9, at: '2026-11-02T10:05:00Z', message: 'feat: in project' }]),
    });
    const inProject = (
      await owner.client.post('/v1/sessions', {
        tool: 'x',
        projectId: project.id,
        startedAt: '2026-11-02T10:00:00Z',
      })
    ).body;
    const alone = (
      await owner.client.post('/v1/sessions', { tool: 'x', startedAt: '2026-11-02T10:00:00Z' })
    ).body;
    expect(
      (await owner.client.get(`/v1/sessions/${inProject.id}/commits`)).body.commits,
    ).toHaveLength(1);
    expect((await owner.client.get(`/v1/sessions/${alone.id}/commits`)).body).toMatchObject({
      repositoryIds: [],
      commits: [],
    });
    const bad = await owner.client.post('/v1/sessions', {
      tool: 'x',
      repositoryId: '00000000-0000-4000-8000-000000000000',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.repositoryId');
  });
});
