import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startProjects } from './support.ts';

// A task's parent is a task of its own list, never itself or one of its descendants, and
// trees nest at most 16 levels: no task can fall out of its list's tree.
let h: Awaited<ReturnType<typeof startProjects>>;
let owner: SignedUp;
let projectId: string;
beforeAll(async () => {
  h = await startProjects();
  owner = await signup(h.anonymous, 'trees');
  projectId = (await owner.client.post('/v1/projects', { slug: 'trees', name: 'Trees' })).body.id;
});
afterAll(() => h.close());

async function list(markdown: string) {
  const created = await owner.client.post(`/v1/projects/${projectId}/task-lists`, {
    name: `l${Math.random()}`,
    markdown,
  });
  const tasks = await owner.client.get(`/v1/task-lists/${created.body.id}/tasks?limit=200`);
  const byTitle = (title: string) =>
    tasks.body.items.find((t: { title: string }) => t.title === title) as {
      id: string;
      parentTaskId: string | null;
    };
  return { id: created.body.id as string, byTitle };
}

describe('task trees', () => {
  it('refuse a task as its own parent, or under one of its own subtasks', async () => {
    const l = await list('- [ ] a\n  - [ ] b\n    - [ ] c');
    const a = l.byTitle('a');
    const self = await owner.client.patch(`/v1/tasks/${a.id}`, { parentTaskId: a.id });
    expect(self.status).toBe(400);
    expect(self.body.errors[0].path).toBe('body.parentTaskId');
    const under = await owner.client.patch(`/v1/tasks/${a.id}`, {
      parentTaskId: l.byTitle('c').id,
    });
    expect(under.status).toBe(400);
    expect(under.body.detail).toContain('its own subtasks');
  });

  it('refuse a parent from another list, on create and on change, and a parent that does not exist', async () => {
    const one = await list('- [ ] here');
    const other = await list('- [ ] there');
    const there = other.byTitle('there');
    const created = await owner.client.post(`/v1/task-lists/${one.id}/tasks`, {
      title: 'child',
      parentTaskId: there.id,
    });
    expect(created.status).toBe(400);
    const moved = await owner.client.patch(`/v1/tasks/${one.byTitle('here').id}`, {
      parentTaskId: there.id,
    });
    expect(moved.status).toBe(400);
    const missing = await owner.client.post(`/v1/task-lists/${one.id}/tasks`, {
      title: 'orphan',
      parentTaskId: '00000000-0000-4000-8000-000000000000',
    });
    expect(missing.status).toBe(400);
    // Deleting the other list reaches nothing in this one.
    expect((await owner.client.delete(`/v1/task-lists/${other.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/task-lists/${one.id}/tasks`)).body.items).toHaveLength(1);
  });

  it('the database itself refuses a parent in another list', async () => {
    const one = await list('- [ ] p1');
    const other = await list('- [ ] p2');
    const error = await adminQuery(
      h.database.adminUrl,
      `update tasks set parent_task_id = $1 where id = $2`,
      [other.byTitle('p2').id, one.byTitle('p1').id],
    ).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('23503');
  });

  it('nest at most 16 levels: deeper markdown stays at the 16th, and a move that would go deeper is refused', async () => {
    const lines = Array.from({ length: 20 }, (_, i) => `${'  '.repeat(i)}- [ ] d${i}`);
    const l = await list(lines.join('\n'));
    const depthOf = async (id: string) => {
      const tasks = (await owner.client.get(`/v1/task-lists/${l.id}/tasks?limit=200`)).body
        .items as {
        id: string;
        parentTaskId: string | null;
      }[];
      const byId = new Map(tasks.map((t) => [t.id, t]));
      let depth = 1;
      for (let t = byId.get(id); t?.parentTaskId; t = byId.get(t.parentTaskId)) depth++;
      return depth;
    };
    expect(await depthOf(l.byTitle('d15').id)).toBe(16);
    expect(await depthOf(l.byTitle('d19').id)).toBe(16);
    const flat = await owner.client.post(`/v1/task-lists/${l.id}/tasks`, { title: 'x' });
    const child = await owner.client.post(`/v1/task-lists/${l.id}/tasks`, {
      title: 'y',
      parentTaskId: flat.body.id,
    });
    expect(child.status).toBe(201);
    const tooDeep = await owner.client.patch(`/v1/tasks/${flat.body.id}`, {
      parentTaskId: l.byTitle('d15').id,
    });
    expect(tooDeep.status).toBe(400);
    expect(tooDeep.body.detail).toContain('16 levels');
  });

  it('a bulk move that names neither a position nor a section is a 400, not a 500', async () => {
    const l = await list('- [ ] m');
    const reply = await owner.client.post(`/v1/task-lists/${l.id}/tasks/bulk`, {
      operations: [{ op: 'move', taskId: l.byTitle('m').id }],
    });
    expect(reply.status).toBe(400);
  });
});
