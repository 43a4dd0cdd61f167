import type { Client } from '@devctx/shared/testing';
import { ok, type Race, send, serverFailures, together, unique } from './race.ts';

// Finding 20.1: two PATCHes carrying the same current ETag both won. A precondition is now
// checked under the resource's lock in the write's own transaction: of N writers holding
// one ETag exactly one wins and the others get 412.
const WRITERS = 8;

/** A fresh project, task list, task and session of tenant A, and their paths. */
async function resources(client: Client) {
  const project = (await client.post('/v1/projects', { slug: unique('race'), name: 'race' })).body;
  const list = (await client.post(`/v1/projects/${project.id}/task-lists`, { name: 'list' })).body;
  const task = (await client.post(`/v1/task-lists/${list.id}/tasks`, { title: 'task' })).body;
  const session = (await client.post('/v1/sessions', { tool: 'claude-code' })).body;
  return {
    project: { path: `/v1/projects/${project.id}`, change: (i: number) => ({ name: `p${i}` }) },
    list: { path: `/v1/task-lists/${list.id}`, change: (i: number) => ({ name: `l${i}` }) },
    task: { path: `/v1/tasks/${task.id}`, change: (i: number) => ({ title: `t${i}` }) },
    session: { path: `/v1/sessions/${session.id}`, change: (i: number) => ({ title: `s${i}` }) },
  };
}

async function etagOf(client: Client, path: string) {
  return (await client.get(path)).headers.get('etag') ?? '';
}

/** N requests built by `request`, all with the ETag read just before: exactly one may win. */
async function oneWinner(
  client: Client,
  path: string,
  request: (i: number, etag: string) => Promise<import('@devctx/shared/testing').Reply>,
  what: string,
): Promise<string[]> {
  const etag = await etagOf(client, path);
  const replies = await together(WRITERS, (i) => request(i, etag));
  const winners = replies.filter(ok).length;
  const others = replies.filter((r) => !ok(r) && r.status !== 412);
  return [
    ...(winners === 1 ? [] : [`${what}: ${winners} of ${WRITERS} writers won`]),
    ...others.map((r) => `${what}: a loser got ${r.status}, not 412`),
    ...serverFailures(replies, what),
  ];
}

export const preconditionRaces: Race[] = [
  {
    invariant:
      '8 PATCHes with one ETag (project, task list, task, session): exactly one wins, 7 get 412',
    async round(target) {
      const client = target.a.owner.client;
      const all = await resources(client);
      const seen: string[] = [];
      for (const [name, r] of Object.entries(all)) {
        seen.push(
          ...(await oneWinner(
            client,
            r.path,
            (i, etag) => send(client, 'PATCH', r.path, r.change(i), { 'if-match': etag }),
            name,
          )),
        );
      }
      return seen;
    },
  },
  {
    invariant: 'PATCH and DELETE with one ETag: exactly one succeeds',
    async round(target) {
      const client = target.a.owner.client;
      const { task } = await resources(client);
      return oneWinner(
        client,
        task.path,
        (i, etag) =>
          i % 2 === 0
            ? send(client, 'PATCH', task.path, { title: `t${i}` }, { 'if-match': etag })
            : send(client, 'DELETE', task.path, undefined, { 'if-match': etag }),
        'task',
      );
    },
  },
  {
    invariant: '8 toggles (a POST action) with one ETag: exactly one applies',
    async round(target) {
      const client = target.a.owner.client;
      const { task } = await resources(client);
      const seen = await oneWinner(
        client,
        task.path,
        (_, etag) => send(client, 'POST', `${task.path}/toggle`, {}, { 'if-match': etag }),
        'toggle',
      );
      const checked = (await client.get(task.path)).body.checked;
      return checked === true ? seen : [...seen, 'the task was toggled an even number of times'];
    },
  },
  {
    invariant:
      "A PATCH or an action answers the resource's new ETag: the next GET's, usable at once; an empty If-Match is 412",
    async round(target) {
      const client = target.a.owner.client;
      const seen: string[] = [];
      const all = await resources(client);
      for (const [what, path, action] of [
        ['toggle', all.task.path, `${all.task.path}/toggle`],
        ['end', all.session.path, `${all.session.path}/end`],
      ] as const) {
        const done = await send(client, 'POST', action, {}, {});
        const now = await etagOf(client, path);
        if (done.headers.get('etag') !== now)
          seen.push(`${what}: answered ${done.headers.get('etag')}, GET says ${now}`);
      }
      const empty = await send(client, 'PATCH', all.task.path, { title: 'x' }, { 'if-match': '' });
      if (empty.status !== 412) seen.push(`an empty If-Match gave ${empty.status}`);
      for (const [name, r] of Object.entries(all)) {
        const etag = await etagOf(client, r.path);
        const changed = await send(client, 'PATCH', r.path, r.change(1), { 'if-match': etag });
        const answered = changed.headers.get('etag');
        const now = await etagOf(client, r.path);
        if (!answered || answered !== now)
          seen.push(`${name}: PATCH said ${answered}, GET says ${now}`);
        const next = await send(client, 'PATCH', r.path, r.change(2), {
          'if-match': answered ?? '',
        });
        if (next.status !== 200) seen.push(`${name}: the answered ETag gave ${next.status}`);
      }
      return seen;
    },
  },
  {
    // Bulk changes guard the list and all its tasks: the list's ETag changes with them.
    invariant:
      '8 bulk toggles with one list ETag: exactly one applies; a task changed after the read makes it 412',
    async round(target) {
      const client = target.a.owner.client;
      const project = (await client.post('/v1/projects', { slug: unique('bulk'), name: 'b' })).body;
      const list = (await client.post(`/v1/projects/${project.id}/task-lists`, { name: 'l' })).body;
      const tasks = await together(
        3,
        async (i) =>
          (await client.post(`/v1/task-lists/${list.id}/tasks`, { title: `t${i}` })).body,
      );
      const listPath = `/v1/task-lists/${list.id}`;
      const toggleAll = { operations: tasks.map((t) => ({ op: 'toggle', taskId: t.id })) };
      const seen = await oneWinner(
        client,
        listPath,
        (_, etag) =>
          send(client, 'POST', `${listPath}/tasks/bulk`, toggleAll, { 'if-match': etag }),
        'bulk',
      );
      const etag = await etagOf(client, listPath);
      await client.post(`/v1/tasks/${tasks[0].id}/toggle`, {});
      const stale = await send(client, 'POST', `${listPath}/tasks/bulk`, toggleAll, {
        'if-match': etag,
      });
      if (stale.status !== 412)
        seen.push(`a bulk change after a toggle it never saw gave ${stale.status}`);
      return seen;
    },
  },
];
