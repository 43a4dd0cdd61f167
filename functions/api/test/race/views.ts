import { signup } from '@devctx/identity/testing';
import type { Client } from '@devctx/shared/testing';
import { conversationOf, type Race, together, unique } from './race.ts';

async function newList(client: Client, markdown?: string) {
  const project = (await client.post('/v1/projects', { slug: unique('race'), name: 'race' })).body;
  return (
    await client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'list',
      ...(markdown ? { markdown } : {}),
    })
  ).body;
}

const expectStatus = (seen: string[], what: string, status: number, wanted: number) => {
  if (status !== wanted) seen.push(`${what}: ${status}, wanted ${wanted}`);
};

export const viewRaces: Race[] = [
  {
    // Finding 20.6: one time schema for every instant in the API.
    invariant:
      'Instants: any RFC 3339 offset everywhere, years 0001–9999, one precision; a fresh session ends',
    async round(target) {
      const client = target.a.owner.client;
      const seen: string[] = [];
      const fresh = (await client.post('/v1/sessions', { tool: 'claude-code' })).body;
      expectStatus(
        seen,
        'ending a server-started session',
        (await client.post(`/v1/sessions/${fresh.id}/end`, {})).status,
        200,
      );
      const again = (await client.post('/v1/sessions', { tool: 'claude-code' })).body;
      const atStart = await client.post(`/v1/sessions/${again.id}/end`, {
        endedAt: again.startedAt,
      });
      expectStatus(seen, 'ending a session at its echoed start', atStart.status, 200);

      const offset = await client.post('/v1/sessions', {
        tool: 'claude-code',
        startedAt: '2026-11-20T10:00:00.123456+02:00',
      });
      expectStatus(seen, 'startedAt with an offset', offset.status, 201);
      if (offset.body.startedAt !== '2026-11-20T08:00:00.123Z') {
        seen.push(`startedAt echoed as ${offset.body.startedAt}`);
      }
      const since = await client.get(
        '/v1/sessions?since=2026-11-20T10:00:00%2B05:30&until=2026-11-21T00:00:00-08:00',
      );
      expectStatus(seen, 'since/until with offsets', since.status, 200);
      const key = await client.post('/v1/api-keys', {
        name: unique('key'),
        permissions: ['sessions:read'],
        expiresAt: '2099-01-01T00:00:00+01:00',
      });
      expectStatus(seen, 'expiresAt with an offset', key.status, 201);

      const { conversation } = await conversationOf(client);
      for (const bad of [
        '0000-06-01T00:00:00Z',
        '2026-11-20T10:00:00+16:00',
        '10000-01-01T00:00:00Z',
        '2026-02-30T00:00:00Z',
        '9999-12-31T23:59:59.999-00:01',
      ]) {
        const reply = await client.post(`/v1/conversations/${conversation.id}/messages`, {
          messages: [
            { role: 'user', content: unique('good') },
            { role: 'user', content: unique('bad'), occurredAt: bad },
          ],
        });
        expectStatus(seen, `occurredAt ${bad}`, reply.status, 400);
      }
      const stored = (await client.get(`/v1/conversations/${conversation.id}/messages`)).body.items;
      if (stored.length !== 0)
        seen.push(`${stored.length} messages of refused batches were stored`);
      const edge = await client.post(`/v1/conversations/${conversation.id}/messages`, {
        messages: [
          { role: 'user', content: unique('first year'), occurredAt: '0001-01-01T00:00:00Z' },
          {
            role: 'user',
            content: unique('last year'),
            occurredAt: '9999-12-31T23:59:59.999+15:59',
          },
        ],
      });
      expectStatus(seen, 'years 0001 and 9999', edge.status, 201);
      return seen;
    },
  },
  {
    // Finding 20.7: deleting every session never gave the message quota back.
    invariant: 'Deleting every session gives the message quota back (usage = what is stored)',
    async round(target) {
      const tenant = await signup(target.anonymous, 'race-quota');
      const { session, conversation } = await conversationOf(tenant.client);
      await tenant.client.post(`/v1/conversations/${conversation.id}/messages`, {
        messages: Array.from({ length: 25 }, (_, i) => ({
          role: 'user',
          content: `m ${i} ${unique('q')}`,
        })),
      });
      const before = (await tenant.client.get('/v1/tenant/usage')).body.messages.used;
      await tenant.client.delete(`/v1/sessions/${session.id}`);
      const after = (await tenant.client.get('/v1/tenant/usage')).body.messages.used;
      return before === 25 && after === 0
        ? []
        : [`usage ${before} with 25 stored, ${after} after deleting all`];
    },
  },
  {
    // Finding 20.8: 20 parallel adds got 5 distinct positions.
    invariant: '20 concurrent appends to a list get 20 distinct positions',
    async round(target) {
      const client = target.a.owner.client;
      const list = await newList(client);
      const added = await together(20, (i) =>
        client.post(`/v1/task-lists/${list.id}/tasks`, { title: `append ${i}` }),
      );
      const positions = new Set(added.map((r) => r.body.position));
      return positions.size === 20 ? [] : [`${positions.size} distinct positions for 20 tasks`];
    },
  },
  {
    // Finding 20.9: a tag repeated within one message was counted twice.
    invariant: 'insights/tags counts each message once per tag',
    async round(target) {
      const client = target.a.owner.client;
      const tag = unique('topic').toLowerCase();
      const { conversation } = await conversationOf(client);
      await client.post(`/v1/conversations/${conversation.id}/messages`, {
        messages: [
          { role: 'user', content: unique('tagged'), tags: [tag, tag] },
          { role: 'user', content: unique('tagged'), tags: [tag] },
        ],
      });
      const counted = (await client.get(`/v1/insights/tags?q=${tag}`)).body.items;
      const row = counted.find((r: { tag: string }) => r.tag === tag);
      return row?.messages === 2 ? [] : [`${row?.messages} messages counted for 2`];
    },
  },
  {
    // Finding 20.10: "blocked" meant three things on one list.
    invariant:
      'stats.blocked = byStatus.blocked = ?status=blocked = effectiveStatus blocked; every ?status= matches byStatus',
    async round(target) {
      const client = target.a.owner.client;
      const list = await newList(client);
      const add = async (title: string) =>
        (await client.post(`/v1/task-lists/${list.id}/tasks`, { title })).body.id as string;
      const first = await add('first');
      const waiting = await add('waits on first');
      const cancelled = await add('cancelled, waits on first');
      const byHand = await add('blocked by hand');
      const done = await add('done, waits on first');
      for (const id of [waiting, cancelled, done]) {
        await client.post(`/v1/tasks/${id}/dependencies`, { dependsOnId: first });
      }
      await client.patch(`/v1/tasks/${cancelled}`, { status: 'cancelled' });
      await client.patch(`/v1/tasks/${byHand}`, { status: 'blocked' });
      await client.post(`/v1/tasks/${done}/toggle`, { checked: true });
      // Waiting on a cancelled task is waiting on nothing.
      const afterCancelled = await add('waits on the cancelled one');
      await client.post(`/v1/tasks/${afterCancelled}/dependencies`, { dependsOnId: cancelled });
      const stats = (await client.get(`/v1/task-lists/${list.id}/stats`)).body;
      const filtered = (await client.get(`/v1/task-lists/${list.id}/tasks?status=blocked`)).body
        .items;
      const all = (await client.get(`/v1/task-lists/${list.id}/tasks?limit=100`)).body.items;
      const effective = all.filter(
        (t: { effectiveStatus: string }) => t.effectiveStatus === 'blocked',
      );
      const views = {
        'stats.blocked': stats.blocked,
        'byStatus.blocked': stats.byStatus?.blocked,
        '?status=blocked': filtered.length,
        effectiveStatus: effective.length,
      };
      const seen = Object.values(views).every((n) => n === 2)
        ? []
        : [`blocked: ${JSON.stringify(views)}`];
      for (const status of ['pending', 'in_progress', 'completed', 'cancelled']) {
        const listed = (await client.get(`/v1/task-lists/${list.id}/tasks?status=${status}`)).body
          .items.length;
        if (listed !== stats.byStatus?.[status])
          seen.push(`?status=${status} lists ${listed}, byStatus says ${stats.byStatus?.[status]}`);
      }
      return seen;
    },
  },
  {
    // Finding 20.11: the order inside a **Dependencies** line flipped between exports.
    invariant: 'The markdown export of one list is the same bytes every time',
    async round(target) {
      const client = target.a.owner.client;
      const sections = Array.from(
        { length: 6 },
        (_, i) => `## ${i + 1} Part ${i + 1}\n- [ ] task ${i + 1}`,
      );
      sections.push('## 7 Last\n**Dependencies**: 6, 1, 4, 2, 5, 3\n- [ ] the end');
      const list = await newList(client, sections.join('\n'));
      const exports = await together(
        5,
        async () => (await client.get(`/v1/task-lists/${list.id}/markdown`)).body,
      );
      const seen =
        new Set(exports).size === 1
          ? []
          : [`${new Set(exports).size} different exports of one list`];
      // In document order, not in whatever order the database found the edges.
      if (!String(exports[0]).includes('**Dependencies**: 1, 2, 3, 4, 5, 6')) {
        seen.push('the Dependencies line is not in document order');
      }
      return seen;
    },
  },
];
