import { signup } from '@devctx/identity/testing';
import { adminQuery, type Client, type Reply } from '@devctx/shared/testing';
import { conversationOf, ok, type Race, serverFailures, together, unique } from './race.ts';

async function listWithTasks(client: Client, n: number) {
  const project = (await client.post('/v1/projects', { slug: unique('race'), name: 'race' })).body;
  const list = (await client.post(`/v1/projects/${project.id}/task-lists`, { name: 'list' })).body;
  const tasks = await together(n, (i) =>
    client.post(`/v1/task-lists/${list.id}/tasks`, { title: `task ${i}` }),
  );
  return { project, list, tasks: tasks.map((t) => t.body) };
}

/** Answers a racing write may give: it happened (2xx), or its parent was gone (404). */
function neither2xxNor404(replies: Reply[], what: string): string[] {
  return replies
    .filter((r) => !ok(r) && r.status !== 404)
    .map((r) => `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
}

export const deleteRaces: Race[] = [
  {
    // Finding 20.4: project delete racing bulk moves failed with 500 in 10 of 20.
    invariant: 'Project delete racing 4 bulk moves: every answer 2xx or 404, no 5xx',
    async round(target) {
      const client = target.a.owner.client;
      const { project, list, tasks } = await listWithTasks(client, 20);
      const moves = (k: number) => ({
        operations: tasks.map((t, i) => ({ op: 'move', taskId: t.id, position: (i + k) * 10 })),
      });
      const replies = await together(5, (i) =>
        i === 2
          ? client.delete(`/v1/projects/${project.id}`)
          : client.post(`/v1/task-lists/${list.id}/tasks/bulk`, moves(i)),
      );
      return [...serverFailures(replies, 'delete vs bulk'), ...neither2xxNor404(replies, 'answer')];
    },
  },
  {
    // Finding 20.5: a write racing the delete of its parent failed with 500 (foreign key).
    invariant:
      'Writes racing the delete of their parent (ingest/session, task/list, comment/task): 2xx or 404',
    async round(target) {
      const client = target.a.owner.client;
      const seen: string[] = [];
      const { session, conversation } = await conversationOf(client);
      const ingest = await together(6, (i) =>
        i === 3
          ? client.delete(`/v1/sessions/${session.id}`)
          : client.post(`/v1/conversations/${conversation.id}/messages`, {
              messages: [{ role: 'user', content: unique('during delete') }],
            }),
      );
      seen.push(...neither2xxNor404(ingest, 'ingest during session delete'));

      const { list, tasks } = await listWithTasks(client, 1);
      const adds = await together(6, (i) =>
        i === 3
          ? client.delete(`/v1/task-lists/${list.id}`)
          : client.post(`/v1/task-lists/${list.id}/tasks`, { title: `late ${i}` }),
      );
      seen.push(...neither2xxNor404(adds, 'add task during list delete'));
      const survivors = adds.filter((r) => r.status === 201);
      for (const t of survivors) {
        const left = await client.get(`/v1/tasks/${t.body.id}`);
        if (left.status !== 404) seen.push('a task outlived its deleted list');
      }

      const task = tasks[0];
      const other = await listWithTasks(client, 1);
      const comments = await together(6, (i) =>
        i === 3
          ? client.delete(`/v1/tasks/${other.tasks[0].id}`)
          : client.post(`/v1/tasks/${other.tasks[0].id}/comments`, { body: `comment ${i}` }),
      );
      seen.push(...neither2xxNor404(comments, 'comment during task delete'));
      return task ? seen : [...seen, 'no task to start from'];
    },
  },
  {
    // Finding 20.3: a parent in another list was accepted, and deleting that list deleted
    // the child in this one.
    invariant:
      "A task's parent is in its own list; deleting another list takes nothing from this one",
    async round(target) {
      const client = target.a.owner.client;
      const here = await listWithTasks(client, 2);
      const there = await listWithTasks(client, 1);
      const seen: string[] = [];
      const stranger = there.tasks[0].id;
      const created = await client.post(`/v1/task-lists/${here.list.id}/tasks`, {
        title: 'child',
        parentTaskId: stranger,
      });
      if (created.status !== 400) seen.push(`create under another list's task: ${created.status}`);
      const moved = await client.patch(`/v1/tasks/${here.tasks[0].id}`, { parentTaskId: stranger });
      if (moved.status !== 400) seen.push(`move under another list's task: ${moved.status}`);
      await client.delete(`/v1/task-lists/${there.list.id}`);
      const left = (await client.get(`/v1/task-lists/${here.list.id}/tasks?limit=100`)).body.items;
      if (left?.length !== 2 + (created.status === 201 ? 1 : 0)) {
        seen.push(`deleting another list left ${left?.length} tasks here`);
      }
      return seen;
    },
  },
  {
    // Review of 20.7: two deletes of the last two users of one text each saw the other's
    // message and kept it; the scheduler's sweep must free what they leave.
    invariant:
      'Concurrent deletes of sessions sharing texts: usage back to 0 (at once, or after one sweep)',
    async round(target) {
      const tenant = await signup(target.anonymous, 'race-shared');
      const shared = Array.from({ length: 20 }, (_, i) => ({
        role: 'user',
        content: `shared ${i} ${unique('s')}`,
      }));
      const sessions = await together(4, async () => {
        const { session, conversation } = await conversationOf(tenant.client);
        await tenant.client.post(`/v1/conversations/${conversation.id}/messages`, {
          messages: shared,
        });
        return session;
      });
      const deletes = await together(4, (i) =>
        tenant.client.delete(`/v1/sessions/${sessions[i]?.id}`),
      );
      await adminQuery(target.database.adminUrl, 'select release_unused_bodies(100000)');
      const used = (await tenant.client.get('/v1/tenant/usage')).body.messages.used;
      return [
        ...serverFailures(deletes, 'delete'),
        ...(used === 0 ? [] : [`usage ${used} after deleting every session and a sweep`]),
      ];
    },
  },
  {
    // Review of 20.3: A under B, B under C and C under A at once all passed the cycle check
    // (a two-task swap was already caught, by the row locks deadlocking).
    invariant: 'Three tasks moved under each other in a ring at once: no cycle',
    async round(target) {
      const client = target.a.owner.client;
      const { tasks } = await listWithTasks(client, 3);
      const ids = tasks.map((t) => t.id as string);
      const moves = await together(3, (i) =>
        client.patch(`/v1/tasks/${ids[i]}`, { parentTaskId: ids[(i + 1) % 3] }),
      );
      const parents = await Promise.all(
        ids.map(async (id) => (await client.get(`/v1/tasks/${id}`)).body.parentTaskId),
      );
      const ring = parents.every((parent, i) => parent === ids[(i + 1) % 3]);
      return [
        ...serverFailures(moves, 'move'),
        ...(moves.filter(ok).length > 2 ? ['all three moves won'] : []),
        ...(ring ? ['the three tasks form a cycle'] : []),
      ];
    },
  },
];
