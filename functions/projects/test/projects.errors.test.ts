import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startProjects } from './support.ts';

let h: Awaited<ReturnType<typeof startProjects>>;
let owner: SignedUp;
let projectId: string;
let listId: string;
const missing = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  h = await startProjects();
  owner = await signup(h.anonymous, 'perr');
  projectId = (await owner.client.post('/v1/projects', { slug: 'errs', name: 'Errors' })).body.id;
  listId = (
    await owner.client.post(`/v1/projects/${projectId}/task-lists`, {
      name: 'L',
      markdown: '## 1 A\n- [ ] a\n',
    })
  ).body.id;
});
afterAll(() => h.close());

const fields = (reply: { body: { errors?: { path: string }[] } }) =>
  (reply.body.errors ?? []).map((e) => e.path).sort();

describe('bad input is a clear 4xx', () => {
  it('projects: bad slug, unknown team, empty name', async () => {
    const reply = await owner.client.post('/v1/projects', { slug: 'Not A Slug', name: '' });
    expect(reply.status).toBe(400);
    expect(fields(reply)).toEqual(['body.name', 'body.slug']);
    const team = await owner.client.post('/v1/projects', {
      slug: 'teamless',
      name: 'T',
      teamId: missing,
    });
    expect(team.status).toBe(400);
    expect(fields(team)).toEqual(['body.teamId']);
  });

  it('tasks: bad priority, date and position; a section of another list; unknown assignee', async () => {
    const reply = await owner.client.post(`/v1/task-lists/${listId}/tasks`, {
      title: 'x',
      priority: 'P7',
      dueDate: '31/12/2030',
      position: 'first',
    });
    expect(reply.status).toBe(400);
    expect(fields(reply)).toEqual(['body.dueDate', 'body.position', 'body.priority']);
    const otherList = (
      await owner.client.post(`/v1/projects/${projectId}/task-lists`, {
        name: 'M',
        markdown: '## 1 B\n- [ ] b\n',
      })
    ).body.id;
    const sections = (await owner.client.get(`/v1/task-lists/${otherList}/tasks`)).body.items;
    const foreignSection = await owner.client.post(`/v1/task-lists/${listId}/tasks`, {
      title: 'x',
      sectionId: sections[0].sectionId,
    });
    expect(foreignSection.status).toBe(400);
    expect(fields(foreignSection)).toEqual(['body.sectionId']);
    const assignee = await owner.client.post(`/v1/task-lists/${listId}/tasks`, {
      title: 'x',
      assigneeId: missing,
    });
    expect(fields(assignee)).toEqual(['body.assigneeId']);
  });

  it('missing ids are 404 on every kind of resource', async () => {
    for (const path of [
      `/v1/projects/${missing}`,
      `/v1/task-lists/${missing}`,
      `/v1/tasks/${missing}`,
      `/v1/projects/${projectId}/plans/3`,
    ]) {
      const reply = await owner.client.get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.code).toBe('not_found');
    }
    expect((await owner.client.post(`/v1/tasks/${missing}/toggle`, {})).status).toBe(404);
    expect((await owner.client.get('/v1/projects/not-a-uuid')).status).toBe(400);
  });

  it('lists refuse a forged cursor and an unknown sort', async () => {
    expect((await owner.client.get(`/v1/task-lists/${listId}/tasks?cursor=forged`)).status).toBe(
      400,
    );
    expect((await owner.client.get(`/v1/task-lists/${listId}/tasks?sort=random`)).status).toBe(400);
  });

  it('bulk refuses an empty or oversized batch and unknown operations', async () => {
    expect(
      (await owner.client.post(`/v1/task-lists/${listId}/tasks/bulk`, { operations: [] })).status,
    ).toBe(400);
    const many = Array.from({ length: 501 }, () => ({ op: 'toggle', taskId: missing }));
    expect(
      (await owner.client.post(`/v1/task-lists/${listId}/tasks/bulk`, { operations: many })).status,
    ).toBe(400);
    expect(
      (
        await owner.client.post(`/v1/task-lists/${listId}/tasks/bulk`, {
          operations: [{ op: 'explode', taskId: missing }],
        })
      ).status,
    ).toBe(400);
  });

  it('markdown that is not a task list imports nothing and says so, without failing', async () => {
    const reply = await owner.client.post(`/v1/projects/${projectId}/task-lists`, {
      name: 'Prose',
      markdown: 'Just a paragraph.\n- [?] not quite\n',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.importReport).toMatchObject({ sections: 0, tasks: 0 });
    expect(reply.body.importReport.skipped).toHaveLength(1);
  });
});
