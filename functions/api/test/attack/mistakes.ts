import type { Attack, Target } from './target.ts';

// Findings 17.6, 17.7, 17.11, 17.12: client mistakes (or tricks) that were 500s, lost an
// import, or broke a tree. Each must be a clear 4xx or be stored safely.
const forgedCursor = Buffer.from(
  JSON.stringify({ after: 'not-a-time', id: 'not-a-uuid' }),
).toString('base64url');

async function sessionWithConversation(target: Target) {
  const owner = target.a.owner.client;
  const session = await owner.post('/v1/sessions', { tool: 'claude-code', title: 'mistakes' });
  const conversation = await owner.post(`/v1/sessions/${session.body.id}/conversations`, {});
  return { session: session.body.id as string, conversation: conversation.body.id as string };
}

export const mistakeAttacks: Attack[] = [
  {
    finding: '17.11 forged cursors',
    name: 'a forged cursor on sessions, audit log, jobs, messages, tasks, comments, API keys',
    expected: '400 on every list',
    async run(target) {
      const owner = target.a.owner.client;
      const { conversation } = await sessionWithConversation(target);
      const project = await owner.post('/v1/projects', { slug: 'cursors', name: 'Cursors' });
      const list = await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
        name: 'c',
        markdown: '- [ ] t',
      });
      const [task] = (await owner.get(`/v1/task-lists/${list.body.id}/tasks`)).body.items;
      const lists = [
        '/v1/sessions',
        '/v1/audit-log',
        '/v1/jobs',
        `/v1/conversations/${conversation}/messages`,
        `/v1/task-lists/${list.body.id}/tasks`,
        `/v1/tasks/${task.id}/comments`,
        '/v1/api-keys',
      ];
      const statuses = await Promise.all(
        lists.map(async (path) => (await owner.get(`${path}?cursor=${forgedCursor}`)).status),
      );
      return { observed: statuses.join(', '), ok: statuses.every((s) => s === 400) };
    },
  },
  {
    finding: '17.11 foreign references and deep JSON',
    name: 'a parentTaskId of another tenant; toolCalls.input nested 5,000 deep',
    expected: '400 and 400',
    async run(target) {
      const b = target.b.owner.client;
      const bProject = await b.post('/v1/projects', { slug: 'theirs', name: 'Theirs' });
      const bList = await b.post(`/v1/projects/${bProject.body.id}/task-lists`, {
        name: 'b',
        markdown: '- [ ] theirs',
      });
      const [theirs] = (await b.get(`/v1/task-lists/${bList.body.id}/tasks`)).body.items;
      const owner = target.a.owner.client;
      const project = await owner.post('/v1/projects', { slug: 'refs', name: 'Refs' });
      const list = await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
        name: 'a',
        markdown: '- [ ] mine',
      });
      const foreign = await owner.post(`/v1/task-lists/${list.body.id}/tasks`, {
        title: 'x',
        parentTaskId: theirs.id,
      });
      const { conversation } = await sessionWithConversation(target);
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const response = await fetch(`${target.base}/v1/conversations/${conversation}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        body: `{"messages":[{"role":"assistant","content":"x","toolCalls":[{"name":"Read","input":${deep}}]}]}`,
      });
      return {
        observed: `${foreign.status} and ${response.status}`,
        ok: foreign.status === 400 && response.status === 400,
      };
    },
  },
  {
    finding: '17.7 an unpaired surrogate fails the batch',
    name: 'a message batch and a transcript line carrying \\ud800',
    expected: '201 and an import that succeeds, with U+FFFD stored',
    async run(target) {
      const { conversation } = await sessionWithConversation(target);
      const owner = target.a.owner.client;
      const batch = await fetch(`${target.base}/v1/conversations/${conversation}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
        body: '{"messages":[{"role":"user","content":"fine"},{"role":"user","content":"broken \\ud800 surrogate"}]}',
      });
      const transcript = JSON.stringify({
        type: 'user',
        sessionId: 'surrogates',
        uuid: 's1',
        message: { role: 'user', content: 'lone \ud800 here' },
      });
      const started = await owner.post('/v1/imports', { kind: 'claude-code', transcript });
      let status = started.body.status;
      for (let i = 0; i < 200 && (status === 'queued' || status === 'running'); i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await owner.get(`/v1/imports/${started.body.id}`)).body.status;
      }
      return {
        observed: `${batch.status}; import ${status}`,
        ok: batch.status === 201 && status === 'succeeded',
      };
    },
  },
  {
    finding: '17.6 uploads stored before validation',
    name: 'an import of a file that is not a transcript',
    expected: '400; nothing stored, nothing counted',
    async run(target) {
      const before = (await target.b.owner.client.get('/v1/tenant/usage')).body.storageBytes.used;
      const reply = await target.b.owner.client.post('/v1/imports', {
        kind: 'claude-code',
        transcript: 'garbage\n'.repeat(10_000),
      });
      const after = (await target.b.owner.client.get('/v1/tenant/usage')).body.storageBytes.used;
      return {
        observed: `${reply.status}; storage ${before} → ${after} bytes`,
        ok: reply.status === 400 && after === before,
      };
    },
  },
  {
    finding: '17.12 task trees break',
    name: 'a task as its own parent; a parent in another list',
    expected: '400 and 400; the tree intact',
    async run(target) {
      const owner = target.a.owner.client;
      const project = await owner.post('/v1/projects', { slug: 'trees', name: 'Trees' });
      const one = await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
        name: 'one',
        markdown: '- [ ] a',
      });
      const two = await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
        name: 'two',
        markdown: '- [ ] b',
      });
      const [a] = (await owner.get(`/v1/task-lists/${one.body.id}/tasks`)).body.items;
      const [b] = (await owner.get(`/v1/task-lists/${two.body.id}/tasks`)).body.items;
      const self = await owner.patch(`/v1/tasks/${a.id}`, { parentTaskId: a.id });
      const across = await owner.patch(`/v1/tasks/${a.id}`, { parentTaskId: b.id });
      const markdown = (await owner.get(`/v1/task-lists/${one.body.id}/markdown`)).body as string;
      return {
        observed: `${self.status} and ${across.status}; export still lists the task: ${String(markdown).includes('- [ ] a')}`,
        ok: self.status === 400 && across.status === 400 && String(markdown).includes('- [ ] a'),
      };
    },
  },
];
