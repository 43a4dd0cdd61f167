import type { Reply } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, ROADMAP, type SignedUp, signup, startProjects } from './support.ts';

let h: Awaited<ReturnType<typeof startProjects>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startProjects();
  owner = await signup(h.anonymous, 'proj');
});
afterAll(() => h.close());

const newProject = async (slug: string) =>
  (await owner.client.post('/v1/projects', { slug, name: slug.toUpperCase() })).body;

describe('projects', () => {
  it('create, read, list, update, archive, delete', async () => {
    const created = await owner.client.post('/v1/projects', {
      slug: 'alpha',
      name: 'Alpha',
      description: 'First',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'alpha',
      name: 'Alpha',
      status: 'active',
      createdBy: owner.user.id,
    });
    expect(created.headers.get('location')).toBe(`/v1/projects/${created.body.id}`);
    expect((await owner.client.post('/v1/projects', { slug: 'alpha', name: 'Again' })).status).toBe(
      409,
    );
    expect((await owner.client.get(`/v1/projects/${created.body.id}`)).body.name).toBe('Alpha');
    const archived = await owner.client.patch(`/v1/projects/${created.body.id}`, {
      status: 'archived',
    });
    expect(archived.body).toMatchObject({ status: 'archived', description: 'First' });
    expect(
      (await owner.client.get('/v1/projects?status=archived')).body.items.map(
        (p: { slug: string }) => p.slug,
      ),
    ).toEqual(['alpha']);
    expect((await owner.client.delete(`/v1/projects/${created.body.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/projects/${created.body.id}`)).status).toBe(404);
  });

  it('project creation is quota-checked (free tier: 3)', async () => {
    const t = await signup(h.anonymous, 'pquota');
    for (const slug of ['a', 'b', 'c'])
      expect((await t.client.post('/v1/projects', { slug, name: slug })).status).toBe(201);
    const fourth = await t.client.post('/v1/projects', { slug: 'd', name: 'd' });
    expect(fourth.body.code).toBe('quota_exceeded');
    expect((await t.client.get('/v1/tenant/usage')).body.projects).toEqual({ used: 3, limit: 3 });
  });

  it('keeps every version of the plan, with its phases and goals', async () => {
    const project = await newProject('planned');
    const v1 = await owner.client.post(`/v1/projects/${project.id}/plans`, {
      markdown: '## Phase 1: MVP\n- [ ] login\n- [x] signup\n## Phase 2: Search\n- [ ] index\n',
    });
    expect(v1.status).toBe(201);
    expect(v1.body.version).toBe(1);
    expect(v1.body.phases).toEqual([
      {
        title: 'Phase 1: MVP',
        number: '1',
        goals: [
          { title: 'login', checked: false },
          { title: 'signup', checked: true },
        ],
      },
      { title: 'Phase 2: Search', number: '2', goals: [{ title: 'index', checked: false }] },
    ]);
    const v2 = await owner.client.post(`/v1/projects/${project.id}/plans`, {
      markdown: '## Phase 1: MVP\n- [x] login\n',
    });
    expect(v2.body.version).toBe(2);
    expect((await owner.client.get(`/v1/projects/${project.id}/plans/1`)).body.markdown).toContain(
      'signup',
    );
    expect(
      (await owner.client.get(`/v1/projects/${project.id}/plans`)).body.items.map(
        (p: { version: number }) => p.version,
      ),
    ).toEqual([2, 1]);
    expect((await owner.client.get(`/v1/projects/${project.id}/plans/9`)).status).toBe(404);
  });
});

describe('task lists from markdown', () => {
  it('imports sections, nested tasks and dependencies, exports the current state, and re-imports the same', async () => {
    const project = await newProject('md');
    const list = await owner.client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Roadmap',
      markdown: `${ROADMAP}- [maybe] broken line\n`,
    });
    expect(list.status).toBe(201);
    expect(list.body.importReport).toMatchObject({
      sections: 2,
      tasks: 5,
      dependencies: 4,
      unresolvedDependencies: [],
    });
    expect(list.body.importReport.skipped).toEqual([
      expect.objectContaining({ line: 9, text: '- [maybe] broken line' }),
    ]);

    const tasks = (await owner.client.get(`/v1/task-lists/${list.body.id}/tasks`)).body.items;
    expect(tasks.map((t: { title: string }) => t.title)).toEqual([
      'Create the repository',
      'Configure CI',
      'Lint step',
      'Write the routes',
      'Write the tests',
    ]);
    const routes = tasks[3];
    expect(routes).toMatchObject({ blocked: true, effectiveStatus: 'blocked', status: 'pending' });
    expect(tasks[2].parentTaskId).toBe(tasks[1].id);

    await owner.client.post(`/v1/tasks/${tasks[1].id}/toggle`, {});
    await owner.client.post(`/v1/tasks/${tasks[2].id}/toggle`, {});
    const unblocked = await owner.client.get(`/v1/tasks/${routes.id}`);
    expect(unblocked.body).toMatchObject({ blocked: false, effectiveStatus: 'pending' });
    const sections = (await owner.client.get(`/v1/task-lists/${list.body.id}/sections`)).body;
    expect(
      sections.items.map((s: Record<string, unknown>) => [
        s.number,
        s.title,
        s.total,
        s.completed,
        s.percentComplete,
      ]),
    ).toEqual([
      ['1', '1 Setup', 3, 3, 100],
      ['2', '2 API', 2, 0, 0],
    ]);

    const exported = await fetch(`${h.server.baseUrl}/v1/task-lists/${list.body.id}/markdown`, {
      headers: { authorization: `Bearer ${owner.accessToken}` },
    });
    expect(exported.headers.get('content-type')).toContain('text/markdown');
    const markdown = await exported.text();
    expect(markdown).toContain('## 2 API\n**Dependencies**: 1\n- [ ] Write the routes');
    expect(markdown).toContain('- [x] Configure CI\n  - [x] Lint step');

    const again = await owner.client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Copy',
      markdown,
    });
    const copy = (await owner.client.get(`/v1/task-lists/${again.body.id}/tasks`)).body.items;
    const shape = (items: { title: string; checked: boolean; blocked: boolean }[]) =>
      items.map((t) => [t.title, t.checked, t.blocked]);
    expect(shape(copy)).toEqual(
      shape((await owner.client.get(`/v1/task-lists/${list.body.id}/tasks`)).body.items),
    );
    expect(again.body.importReport.skipped).toEqual([]);
  });
});

describe('tasks', () => {
  let listId: string;
  let member: Awaited<ReturnType<typeof addUser>>;
  beforeAll(async () => {
    const project = await newProject('tasks');
    listId = (await owner.client.post(`/v1/projects/${project.id}/task-lists`, { name: 'Work' }))
      .body.id;
    member = await addUser(owner, 'member', 'worker');
  });

  it('create, change, toggle (flip and set), assign, comment, delete; completion stays consistent', async () => {
    const task = await owner.client.post(`/v1/task-lists/${listId}/tasks`, {
      title: 'Ship it',
      priority: 'P1',
      dueDate: '2030-01-31',
      labels: ['release'],
      estimateHours: 2.5,
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({
      title: 'Ship it',
      status: 'pending',
      checked: false,
      priority: 'P1',
      dueDate: '2030-01-31',
      estimateHours: 2.5,
      labels: ['release'],
      completedAt: null,
    });

    const flipped = await owner.client.post(`/v1/tasks/${task.body.id}/toggle`, {});
    expect(flipped.body).toMatchObject({ checked: true, status: 'completed' });
    expect(flipped.body.completedAt).not.toBeNull();
    const set = await owner.client.post(`/v1/tasks/${task.body.id}/toggle`, { checked: true });
    expect(set.body).toMatchObject({ checked: true, completedAt: flipped.body.completedAt });
    const reopened = await owner.client.patch(`/v1/tasks/${task.body.id}`, {
      status: 'in_progress',
    });
    expect(reopened.body).toMatchObject({
      status: 'in_progress',
      checked: false,
      completedAt: null,
    });

    const assigned = await owner.client.post(`/v1/tasks/${task.body.id}/assign`, {
      userId: member.user.id,
    });
    expect(assigned.body.assigneeId).toBe(member.user.id);
    expect(
      (
        await owner.client.post(`/v1/tasks/${task.body.id}/assign`, {
          userId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(400);
    expect(
      (await owner.client.post(`/v1/tasks/${task.body.id}/assign`, { userId: null })).body
        .assigneeId,
    ).toBeNull();

    const comment = await member.client.post(`/v1/tasks/${task.body.id}/comments`, {
      body: 'On it',
    });
    expect(comment.body).toMatchObject({ body: 'On it', authorId: member.user.id });
    expect((await owner.client.get(`/v1/tasks/${task.body.id}/comments`)).body.items).toHaveLength(
      1,
    );

    expect((await owner.client.delete(`/v1/tasks/${task.body.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/tasks/${task.body.id}`)).status).toBe(404);
  });

  it('filters, sorts and pages', async () => {
    const make = (title: string, extra: Record<string, unknown> = {}) =>
      owner.client.post(`/v1/task-lists/${listId}/tasks`, { title, ...extra });
    await make('alpha bug', { priority: 'P0', dueDate: '2020-01-01', labels: ['bug'] });
    await make('beta feature', { priority: 'P2', dueDate: '2031-05-01' });
    await make('gamma bug', { priority: 'P1', labels: ['bug'], assigneeId: member.user.id });
    const byLabel = await owner.client.get(`/v1/task-lists/${listId}/tasks?label=bug`);
    expect(byLabel.body.items.map((t: { title: string }) => t.title)).toEqual([
      'alpha bug',
      'gamma bug',
    ]);
    const byPriority = await owner.client.get(`/v1/task-lists/${listId}/tasks?sort=priority`);
    expect(byPriority.body.items.map((t: { priority: string }) => t.priority)).toEqual([
      'P0',
      'P1',
      'P2',
    ]);
    const text = await owner.client.get(`/v1/task-lists/${listId}/tasks?q=FEATURE`);
    expect(text.body.items.map((t: { title: string }) => t.title)).toEqual(['beta feature']);
    const mine = await owner.client.get(
      `/v1/task-lists/${listId}/tasks?assigneeId=${member.user.id}`,
    );
    expect(mine.body.items.map((t: { title: string }) => t.title)).toEqual(['gamma bug']);
    const overdue = await owner.client.get(`/v1/task-lists/${listId}/tasks?dueBefore=2025-01-01`);
    expect(overdue.body.items.map((t: { title: string }) => t.title)).toEqual(['alpha bug']);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await owner.client.get(
        `/v1/task-lists/${listId}/tasks?sort=due&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      pages.push(...page.body.items.map((t: { title: string }) => t.title));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(['alpha bug', 'beta feature', 'gamma bug']);

    const stats = await owner.client.get(`/v1/task-lists/${listId}/stats`);
    expect(stats.body).toMatchObject({
      total: 3,
      completed: 0,
      percentComplete: 0,
      overdue: 1,
      byPriority: { P0: 1, P1: 1, P2: 1 },
    });
  });

  it('dependencies: a cycle is refused with its path', async () => {
    const a = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'A' })).body;
    const b = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'B' })).body;
    const c = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'C' })).body;
    expect(
      (await owner.client.post(`/v1/tasks/${a.id}/dependencies`, { dependsOnId: b.id })).status,
    ).toBe(201);
    expect(
      (await owner.client.post(`/v1/tasks/${b.id}/dependencies`, { dependsOnId: c.id })).status,
    ).toBe(201);
    const cycle = await owner.client.post(`/v1/tasks/${c.id}/dependencies`, { dependsOnId: a.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.detail).toContain(`${c.id} -> ${a.id} -> ${b.id} -> ${c.id}`);
    expect(
      (await owner.client.post(`/v1/tasks/${a.id}/dependencies`, { dependsOnId: a.id })).status,
    ).toBe(409);
    expect((await owner.client.get(`/v1/tasks/${a.id}`)).body.effectiveStatus).toBe('blocked');
    expect(
      (await owner.client.get(`/v1/tasks/${a.id}/dependencies`)).body.items.map(
        (d: { dependsOnId: string }) => d.dependsOnId,
      ),
    ).toEqual([b.id]);
    expect((await owner.client.delete(`/v1/tasks/${a.id}/dependencies/${b.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/tasks/${a.id}`)).body.blocked).toBe(false);
  });

  it('bulk is atomic: one bad operation and nothing changes', async () => {
    const x = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'X' })).body;
    const y = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'Y' })).body;
    const bad = await owner.client.post(`/v1/task-lists/${listId}/tasks/bulk`, {
      operations: [
        { op: 'toggle', taskId: x.id },
        { op: 'assign', taskId: y.id, userId: member.user.id },
        { op: 'toggle', taskId: '00000000-0000-4000-8000-000000000000' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.operations.2.taskId');
    expect((await owner.client.get(`/v1/tasks/${x.id}`)).body.checked).toBe(false);
    expect((await owner.client.get(`/v1/tasks/${y.id}`)).body.assigneeId).toBeNull();
    const good = await owner.client.post(`/v1/task-lists/${listId}/tasks/bulk`, {
      operations: [
        { op: 'toggle', taskId: x.id },
        { op: 'assign', taskId: y.id, userId: member.user.id },
        { op: 'move', taskId: y.id, position: 1 },
      ],
    });
    expect(good.body).toEqual({ applied: 3 });
    expect((await owner.client.get(`/v1/tasks/${x.id}`)).body.checked).toBe(true);
    expect((await owner.client.get(`/v1/tasks/${y.id}`)).body).toMatchObject({
      assigneeId: member.user.id,
      position: 1,
    });
  });

  it('concurrent toggles of one task end consistent', async () => {
    const task = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'Contended' }))
      .body;
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => owner.client.post(`/v1/tasks/${task.id}/toggle`, {})),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const final = (await owner.client.get(`/v1/tasks/${task.id}`)).body;
    expect(final.checked).toBe(false); // ten flips
    expect(final).toMatchObject({ status: 'pending', completedAt: null });
    const states = replies.map((r) => r.body.checked).sort();
    expect(states.filter(Boolean)).toHaveLength(5);
  });

  it('If-Match protects a task from a stale write', async () => {
    const task = (await owner.client.post(`/v1/task-lists/${listId}/tasks`, { title: 'Tab one' }))
      .body;
    const etag = (await owner.client.get(`/v1/tasks/${task.id}`)).headers.get('etag') as string;
    await owner.client.patch(`/v1/tasks/${task.id}`, { title: 'Tab two was here' });
    const stale = await owner.client.request(
      'PATCH',
      `/v1/tasks/${task.id}`,
      { title: 'Tab one wins?' },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect((await owner.client.get(`/v1/tasks/${task.id}`)).body.title).toBe('Tab two was here');
  });
});
