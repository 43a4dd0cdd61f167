import { adminQuery, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  type GitHubReplay,
  gitLog,
  type SignedUp,
  signup,
  startGitHubReplay,
  startRepositories,
} from './support.ts';

let h: Awaited<ReturnType<typeof startRepositories>>;
let github: GitHubReplay;
let owner: SignedUp;
beforeAll(async () => {
  github = await startGitHubReplay();
  h = await startRepositories({ GITHUB_API_URL: github.url });
  owner = await signup(h.anonymous, 'commits');
  await setTenantTier(h.database.adminUrl, owner.tenant.id, 'pro');
});
afterAll(async () => {
  await h.close();
  await github.close();
});

const sha = (n: number) => n.toString(16).padEnd(40, '0');

describe('commits from an uploaded git log', () => {
  it('parse conventional headers and numstat; uploading the same log again adds nothing', async () => {
    const repo = (
      await owner.client.post('/v1/repositories', { provider: 'generic', fullName: 'acme/log' })
    ).body;
    const log = gitLog([
      {
        sha: sha(1),
        name: 'Ada',
        email: 'ada@example.com',
        date: '2026-11-20T10:00:00+01:00',
        message: 'feat(api)!: versioned routes\n\nBREAKING CHANGE: /v0 is gone.\n',
        numstat: ['10\t2\tsrc/a.ts', '-\t-\tlogo.png', '3\t0\tsrc/b.ts'],
      },
      {
        sha: sha(2),
        name: 'Bob',
        email: 'bob@example.com',
        date: '2026-11-21T09:00:00Z',
        message: 'Plain subject line\n',
      },
    ]);
    const first = await owner.client.post(`/v1/repositories/${repo.id}/sync`, {
      gitLog: `${log}\x1egarbage record`,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      trigger: 'upload',
      source: 'git-log',
      status: 'succeeded',
      counts: { fetched: 2, inserted: 2, updated: 0 },
      skipped: 1,
    });
    const again = await owner.client.post(`/v1/repositories/${repo.id}/sync`, { gitLog: log });
    expect(again.body.counts).toMatchObject({ fetched: 2, inserted: 0, updated: 0 });

    const commits = (await owner.client.get(`/v1/repositories/${repo.id}/commits`)).body.items;
    expect(commits.map((c: { sha: string }) => c.sha)).toEqual([sha(2), sha(1)]);
    expect(commits[1]).toMatchObject({
      shortSha: sha(1).slice(0, 7),
      subject: 'feat(api)!: versioned routes',
      body: 'BREAKING CHANGE: /v0 is gone.',
      conventional: { type: 'feat', scope: 'api', breaking: true },
      stats: { filesChanged: 3, insertions: 13, deletions: 2 },
      committedAt: '2026-11-20T09:00:00.000Z',
      branches: ['main'],
      source: 'git-log',
    });
    expect(commits[0].conventional).toEqual({ type: null, scope: null, breaking: false });
    const one = await owner.client.get(
      `/v1/repositories/${repo.id}/commits/${sha(1).slice(0, 10)}`,
    );
    expect(one.status).toBe(200);
    expect(one.body.sha).toBe(sha(1));
    expect(
      (await owner.client.get(`/v1/repositories/${repo.id}/commits/${'f'.repeat(40)}`)).status,
    ).toBe(404);
    expect(
      (await owner.client.get(`/v1/repositories/${repo.id}/commits?type=feat`)).body.items,
    ).toHaveLength(1);
    const paged = await owner.client.get(`/v1/repositories/${repo.id}/commits?limit=1`);
    const next = await owner.client.get(
      `/v1/repositories/${repo.id}/commits?limit=1&cursor=${paged.body.nextCursor}`,
    );
    expect([paged.body.items[0].sha, next.body.items[0].sha]).toEqual([sha(2), sha(1)]);

    const events = (await owner.client.get(`/v1/repositories/${repo.id}/sync-events`)).body.items;
    expect(events).toHaveLength(2);
    expect(events[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('link the tasks a message names, and check the ones it closes', async () => {
    const project = (await owner.client.post('/v1/projects', { slug: 'linked', name: 'Linked' }))
      .body;
    const list = (
      await owner.client.post(`/v1/projects/${project.id}/task-lists`, {
        name: 'Work',
        markdown: '- [ ] Write the parser\n- [ ] Document the syntax\n',
      })
    ).body;
    const tasks = (await owner.client.get(`/v1/task-lists/${list.id}/tasks`)).body.items;
    const [parser, docs] = tasks;
    const twoDaysAgo = new Date(
      Math.floor(Date.now() / 1000) * 1000 - 2 * 86_400_000,
    ).toISOString();
    const repo = (
      await owner.client.post('/v1/repositories', { provider: 'generic', fullName: 'acme/tasks' })
    ).body;
    const log = gitLog([
      {
        sha: sha(10),
        name: 'Ada',
        email: 'ada@example.com',
        date: twoDaysAgo,
        message: `feat: the parser\n\nFixes task:${parser.id.slice(0, 8)}\nSee task:${docs.id.slice(0, 8)} too, and task:00000000 (no such task).`,
      },
    ]);
    await owner.client.post(`/v1/repositories/${repo.id}/sync`, { gitLog: log });
    const commit = (await owner.client.get(`/v1/repositories/${repo.id}/commits/${sha(10)}`)).body;
    expect(commit.tasks).toEqual(
      expect.arrayContaining([
        { taskId: parser.id, title: 'Write the parser', closes: true },
        { taskId: docs.id, title: 'Document the syntax', closes: false },
      ]),
    );
    expect(commit.tasks).toHaveLength(2);
    expect((await owner.client.get(`/v1/tasks/${parser.id}`)).body).toMatchObject({
      checked: true,
      status: 'completed',
    });
    expect((await owner.client.get(`/v1/tasks/${docs.id}`)).body.checked).toBe(false);

    // Linked to the project, the repository's commits count in the project's statistics.
    await owner.client.patch(`/v1/repositories/${repo.id}`, { projectId: project.id });
    expect((await owner.client.get(`/v1/projects/${project.id}/stats`)).body.commits).toEqual({
      repositories: 1,
      total: 1,
      last30Days: 1,
      byType: { feat: 1 },
      authors: 1,
      lastCommitAt: twoDaysAgo,
      tasksClosedByCommits: 1,
    });
  });
});

describe('sync from GitHub (a local replay of its REST API)', () => {
  it('follows pagination, waits out a short rate limit, sends the token, records the sync', async () => {
    const repo = (
      await owner.client.post('/v1/repositories', {
        provider: 'github',
        fullName: 'acme/widgets',
        githubToken: 'ghp_replayToken1234567890',
      })
    ).body;
    github.rateLimitOnce(1);
    const queued = await owner.client.post(`/v1/repositories/${repo.id}/sync`, {});
    expect(queued.status).toBe(202);
    expect(queued.body).toMatchObject({ trigger: 'manual', source: 'github', status: 'running' });
    const events = await eventually(
      async () => (await owner.client.get(`/v1/repositories/${repo.id}/sync-events`)).body.items,
      (items) => items[0]?.status !== 'running',
    );
    expect(events[0]).toMatchObject({
      status: 'succeeded',
      counts: { fetched: 102, inserted: 102, pages: 2 },
      error: null,
    });
    const calls = github.requests.filter((r) => r.url.startsWith('/repos/acme/widgets'));
    expect(calls).toHaveLength(3); // the refused page, then pages 1 and 2
    expect(calls.every((c) => c.authorization === 'Bearer ghp_replayToken1234567890')).toBe(true);
    expect(calls[0]?.url).toContain('sha=main');
    expect(calls[0]?.url).not.toContain('since=');
    const first = (await owner.client.get(`/v1/repositories/${repo.id}/commits?limit=1`)).body
      .items[0];
    expect(first).toMatchObject({
      subject: 'feat(sync): follow Link pagination',
      source: 'sync',
      conventional: { type: 'feat', scope: 'sync' },
    });
    expect(first.url).toMatch(/^https:\/\/github.com\/acme\/widgets\/commit\//);
    expect(
      (await owner.client.get(`/v1/repositories/${repo.id}`)).body.sync.lastSyncedAt,
    ).not.toBeNull();
    // The token never shows in the API.
    expect(
      JSON.stringify((await owner.client.get(`/v1/repositories/${repo.id}/sync-events`)).body),
    ).not.toContain('ghp_');

    // The next sync asks only for what is new (with a day's overlap) and adds nothing twice.
    await owner.client.post(`/v1/repositories/${repo.id}/sync`, {});
    const second = await eventually(
      async () => (await owner.client.get(`/v1/repositories/${repo.id}/sync-events`)).body.items,
      (items) => items.length === 2 && items[0]?.status !== 'running',
    );
    expect(second[0].counts).toMatchObject({ fetched: 102, inserted: 0 });
    expect(github.requests.at(-1)?.url).toContain('since=');
  });

  it('never follows a next page to another host, so the token goes nowhere else', async () => {
    const other = await signup(h.anonymous, 'elsewhere');
    const repo = (
      await other.client.post('/v1/repositories', {
        provider: 'github',
        fullName: 'acme/widgets',
        githubToken: 'ghp_replayToken1234567890',
      })
    ).body;
    // The same replay under another name: a request there would show in its log.
    github.linkToOnce(`http://localhost:${new URL(github.url).port}`);
    await other.client.post(`/v1/repositories/${repo.id}/sync`, {});
    const events = await eventually(
      async () => (await other.client.get(`/v1/repositories/${repo.id}/sync-events`)).body.items,
      (items) => items[0]?.status !== 'running',
    );
    expect(events[0]).toMatchObject({ status: 'failed' });
    expect(events[0].error).toContain('another host');
    expect(github.requests.filter((r) => r.host?.startsWith('localhost'))).toEqual([]);
  });

  it('a repository GitHub does not know, or a token that no longer opens, fails the sync with the reason', async () => {
    const unknown = (
      await owner.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/ghost' })
    ).body;
    await owner.client.post(`/v1/repositories/${unknown.id}/sync`, {});
    const failed = await eventually(
      async () => (await owner.client.get(`/v1/repositories/${unknown.id}/sync-events`)).body.items,
      (items) => items[0]?.status !== 'running',
    );
    expect(failed[0]).toMatchObject({ status: 'failed' });
    expect(failed[0].error).toContain('acme/ghost');

    const tokenless = (
      await owner.client.post('/v1/repositories', {
        provider: 'github',
        fullName: 'acme/t',
        githubToken: 'ghp_replayToken1234567890',
      })
    ).body;
    // Sealed for another repository: an envelope copied between rows does not open.
    await adminQuery(
      h.database.adminUrl,
      `update repositories set github_token = (select w.github_token from repositories w join repositories t on t.tenant_id = w.tenant_id where w.full_name = 'acme/widgets' and t.id = $1) where id = $1`,
      [tokenless.id],
    );
    await owner.client.post(`/v1/repositories/${tokenless.id}/sync`, {});
    const missing = await eventually(
      async () =>
        (await owner.client.get(`/v1/repositories/${tokenless.id}/sync-events`)).body.items,
      (items) => items[0]?.status !== 'running',
    );
    expect(missing[0].error).toContain('set it again');
  });
});
