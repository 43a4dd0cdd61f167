import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remoteOf } from '../src/brief/repository-name.ts';
import { addUser, type SignedUp, signup, startContext } from './support.ts';

// The brief an assistant gets when it starts in a working copy: what the team did there
// last, what is open (mine first, blocked marked), what was committed since.
let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let other: SignedUp;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'brief');
  other = await signup(h.anonymous, 'brief-other');
});
afterAll(() => h.close());

const sha = (n: number) => createHash('sha1').update(String(n)).digest('hex');
const logOf = (commits: { n: number; at: string; message: string }[]) =>
  commits
    .map((c) => `\x1e${sha(c.n)}\x1fAda\x1fada@example.com\x1f${c.at}\x1f${c.message}\x1f\n`)
    .join('');

async function world() {
  const client = owner.client;
  const project = (await client.post('/v1/projects', { slug: 'app', name: 'App' })).body;
  const list = (
    await client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Work',
      markdown:
        '- [ ] Someone else’s task\n- [ ] Waits on the first\n- [ ] My task\n- [x] Done already\n',
    })
  ).body;
  const tasks = (await client.get(`/v1/task-lists/${list.id}/tasks`)).body.items;
  await client.post(`/v1/tasks/${tasks[1].id}/dependencies`, { dependsOnId: tasks[0].id });
  await client.post(`/v1/tasks/${tasks[2].id}/assign`, { userId: owner.user.id });
  const repo = (
    await client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'Acme/App',
      projectId: project.id,
    })
  ).body;
  await client.post(`/v1/repositories/${repo.id}/sync`, {
    gitLog: logOf([
      { n: 1, at: '2026-11-01T09:00:00Z', message: 'chore: before the last session' },
      { n: 2, at: '2026-11-02T12:00:00Z', message: 'feat: after the last session' },
    ]),
  });
  for (const [day, branch, title] of [
    ['2026-10-29', null, 'No branch, the oldest'],
    ['2026-10-30', 'main', 'Set up CI'],
    ['2026-10-31', 'feature/export', 'Export to CSV'],
    ['2026-11-01', 'main', 'Fix the flaky login test'],
  ] as const) {
    const session = (
      await client.post('/v1/sessions', {
        tool: 'claude-code',
        repositoryId: repo.id,
        ...(branch ? { gitBranch: branch } : {}),
        title,
        startedAt: `${day}T10:00:00Z`,
      })
    ).body;
    const conversation = (await client.post(`/v1/sessions/${session.id}/conversations`, {})).body;
    await client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        {
          role: 'assistant',
          content: `worked on ${title}`,
          fileReferences: [{ path: `src/${branch ?? 'none'}.ts`, operation: 'edit' }],
          commands: ['npm test'],
        },
      ],
    });
  }
  return { repo, tasks };
}

describe('the context brief', () => {
  it('names recent sessions (the branch first), open tasks (mine first, blocked marked) and commits since', async () => {
    const { repo, tasks } = await world();
    const reply = await owner.client.get(
      `/v1/context/brief?repository=${encodeURIComponent('git@github.com:acme/app.git')}&branch=feature/export`,
    );
    expect(reply.status).toBe(200);
    const brief = reply.body;
    expect(brief.repository).toMatchObject({ id: repo.id, fullName: 'Acme/App' });
    expect(brief.sessions.map((s: { title: string }) => s.title)).toEqual([
      'Export to CSV',
      'Fix the flaky login test',
      'Set up CI',
      'No branch, the oldest',
    ]);
    expect(brief.sessions[0]).toMatchObject({
      files: ['src/feature/export.ts'],
      commands: ['npm test'],
      user: { id: owner.user.id },
    });
    expect(brief.tasks.map((t: { title: string }) => t.title)).toEqual([
      'My task',
      'Waits on the first',
      'Someone else’s task',
    ]);
    expect(brief.tasks[0]).toMatchObject({ mine: true, blocked: false, id: tasks[2].id });
    expect(brief.tasks[1]).toMatchObject({ mine: false, blocked: true });
    expect(brief.commits.map((c: { subject: string }) => c.subject)).toEqual([
      'feat: after the last session',
    ]);
    expect(brief.text).toContain('# Dev Context: Acme/App');
    expect(brief.text).toContain('Waits on the first (BLOCKED)');
    expect(brief.text).toContain('feat: after the last session');

    const byId = await owner.client.get(`/v1/context/brief?repositoryId=${repo.id}`);
    expect(byId.body.repository.id).toBe(repo.id);
    // Without a branch, newest first: a session without one is not preferred.
    expect(byId.body.sessions.map((x: { title: string }) => x.title)).toEqual([
      'Fix the flaky login test',
      'Export to CSV',
      'Set up CI',
      'No branch, the oldest',
    ]);
  });

  it('stays within its size bound however much there is', async () => {
    const repo = (
      await owner.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/big' })
    ).body;
    const long = 'x'.repeat(400);
    for (let i = 0; i < 10; i++) {
      await owner.client.post('/v1/sessions', {
        tool: 'claude-code',
        repositoryId: repo.id,
        gitBranch: `branch-${long}`.slice(0, 200),
        title: `${i} ${long}`,
      });
    }
    const brief = (await owner.client.get(`/v1/context/brief?repository=acme/big&sessions=10`))
      .body;
    expect(brief.sessions).toHaveLength(10);
    expect(Buffer.byteLength(brief.text)).toBeLessThanOrEqual(4096);
    expect(brief.text.endsWith('\n')).toBe(true);
  });

  it('is 404 for another tenant’s repository, 400 without one, and leaves out what a role may not read', async () => {
    const { body: repo } = await owner.client.get('/v1/repositories?limit=100');
    const app = repo.items.find((r: { fullName: string }) => r.fullName === 'Acme/App');
    expect((await other.client.get(`/v1/context/brief?repositoryId=${app.id}`)).status).toBe(404);
    expect((await other.client.get('/v1/context/brief?repository=acme/app')).status).toBe(404);
    expect((await owner.client.get('/v1/context/brief')).status).toBe(400);

    const key = await owner.client.post('/v1/api-keys', {
      name: 'sessions only',
      permissions: ['sessions:read'],
    });
    const narrow = await owner.client
      .as(key.body.secret)
      .get(`/v1/context/brief?repositoryId=${app.id}`);
    expect(narrow.status).toBe(200);
    expect(narrow.body.tasks).toBeNull();
    expect(narrow.body.commits).toBeNull();
    expect(narrow.body.text).not.toContain('## Open tasks');

    const pushOnly = await owner.client.post('/v1/api-keys', {
      name: 'push',
      permissions: ['sessions:write'],
    });
    const refused = await owner.client
      .as(pushOnly.body.secret)
      .get(`/v1/context/brief?repositoryId=${app.id}`);
    expect(refused.status).toBe(403);
    const viewer = await addUser(owner, 'viewer');
    expect((await viewer.client.get(`/v1/context/brief?repositoryId=${app.id}`)).status).toBe(200);
  });
});

describe('repositories from git remotes', () => {
  it('reads every form git prints, and owner/name itself, with the provider its host is', () => {
    for (const remote of [
      'git@github.com:Acme/App.git',
      'https://github.com/acme/app',
      'HTTPS://GITHUB.COM/ACME/APP.GIT',
      'https://github.com/acme/app.git/',
      'ssh://git@github.com:22/acme/app.git',
      'github.com/acme/app',
    ])
      expect(remoteOf(remote), remote).toEqual({ provider: 'github', name: 'acme/app' });
    expect(remoteOf('acme/app')).toEqual({ name: 'acme/app' });
    expect(remoteOf('https://gitlab.com/group/sub/app.git')).toEqual({
      provider: 'gitlab',
      name: 'group/sub/app',
    });
    expect(remoteOf('git@git.example.org:team/app.git')).toEqual({
      provider: 'generic',
      name: 'team/app',
    });
    expect(remoteOf('app')).toBeUndefined();
  });

  it('a remote on one host is not the repository of the same name on another', async () => {
    const t = await signup(h.anonymous, 'brief-hosts');
    const gitlab = (
      await t.client.post('/v1/repositories', { provider: 'gitlab', fullName: 'acme/app' })
    ).body;
    const github = (
      await t.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/app' })
    ).body;
    const brief = (remote: string) =>
      t.client.get(`/v1/context/brief?repository=${encodeURIComponent(remote)}`);
    expect((await brief('git@gitlab.com:acme/app.git')).body.repository.id).toBe(gitlab.id);
    expect((await brief('https://github.com/acme/app')).body.repository.id).toBe(github.id);
    expect((await brief('https://evil.example/acme/app')).status).toBe(404);
  });

  it('cuts long text between whole characters, never inside an emoji', async () => {
    const t = await signup(h.anonymous, 'brief-emoji');
    const repo = (
      await t.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/emoji' })
    ).body;
    await t.client.post('/v1/sessions', {
      tool: 'claude-code',
      repositoryId: repo.id,
      title: '👩‍💻'.repeat(60),
    });
    const text: string = (await t.client.get(`/v1/context/brief?repositoryId=${repo.id}`)).body
      .text;
    expect(text).toContain('👩‍💻…');
    expect(text.isWellFormed()).toBe(true);
  });

  it('names files relative to the session’s working folder, and says its times are UTC', async () => {
    const t = await signup(h.anonymous, 'brief-paths');
    const repo = (
      await t.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/paths' })
    ).body;
    const session = (
      await t.client.post('/v1/sessions', {
        tool: 'claude-code',
        repositoryId: repo.id,
        workingDir: '/home/ada/app',
        startedAt: '2026-12-01T10:00:00Z',
      })
    ).body;
    const conversation = (await t.client.post(`/v1/sessions/${session.id}/conversations`, {})).body;
    await t.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        {
          role: 'assistant',
          content: 'edited',
          fileReferences: [
            { path: '/home/ada/app/src/parser.ts', operation: 'edit' },
            { path: '/home/ada/app-other/x.ts', operation: 'read' },
          ],
        },
      ],
    });
    const brief = (await t.client.get(`/v1/context/brief?repositoryId=${repo.id}`)).body;
    expect([...brief.sessions[0].files].sort()).toEqual([
      '/home/ada/app-other/x.ts',
      'src/parser.ts',
    ]);
    expect(brief.text).toContain('- 2026-12-01 10:00 UTC');
  });
});
