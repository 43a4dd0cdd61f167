import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callTool, mcpClient, type SignedUp, signup, startMcp } from './support.ts';

// The MCP server through the SDK's client over a real HTTP connection: what each key is
// offered, what each tool answers, and that another tenant's ids give nothing.
let h: Awaited<ReturnType<typeof startMcp>>;
let a: SignedUp;
let b: SignedUp;
const world = {} as {
  repositoryId: string;
  projectId: string;
  taskListId: string;
  taskIds: string[];
  sessionId: string;
};
const keyFor = async (who: SignedUp, permissions: string[]) =>
  (await who.client.post('/v1/api-keys', { name: permissions.join(' '), permissions })).body
    .secret as string;
const FULL = ['sessions:read', 'projects:read', 'projects:write', 'repositories:read'];

beforeAll(async () => {
  h = await startMcp();
  a = await signup(h.anonymous, 'mcp-a');
  b = await signup(h.anonymous, 'mcp-b');
  const project = (await a.client.post('/v1/projects', { slug: 'mcp', name: 'MCP' })).body;
  const list = (
    await a.client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Work',
      markdown: '- [ ] Wire the parser\n- [ ] Ship it\n',
    })
  ).body;
  const tasks = (await a.client.get(`/v1/task-lists/${list.id}/tasks`)).body.items;
  const repository = (
    await a.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'Acme/Mcp',
      projectId: project.id,
    })
  ).body;
  const session = (
    await a.client.post('/v1/sessions', {
      tool: 'claude-code',
      repositoryId: repository.id,
      projectId: project.id,
      gitBranch: 'main',
      title: 'Parser rewrite',
      startedAt: '2026-12-01T10:00:00Z',
    })
  ).body;
  const conversation = (await a.client.post(`/v1/sessions/${session.id}/conversations`, {})).body;
  await a.client.post(`/v1/conversations/${conversation.id}/messages`, {
    messages: [
      { role: 'user', content: 'Why does the zanzibarquux tokenizer drop <tags> & quotes?' },
      {
        role: 'assistant',
        content: 'Fixed the zanzibarquux tokenizer in src/parser.ts',
        fileReferences: [{ path: 'src/parser.ts', operation: 'edit' }],
        commands: ['npm test'],
      },
    ],
  });
  Object.assign(world, {
    repositoryId: repository.id,
    projectId: project.id,
    taskListId: list.id,
    taskIds: tasks.map((t: { id: string }) => t.id),
    sessionId: session.id,
  });
});
afterAll(() => h.close());

describe('the MCP server', () => {
  let full: Client;
  beforeAll(async () => {
    full = await mcpClient(h.server.baseUrl, await keyFor(a, FULL));
  });

  it('initializes statelessly and offers each key only the tools its permissions allow', async () => {
    expect(full.getServerVersion()?.name).toBe('devctx');
    expect(full.getInstructions()).toContain('context_brief');
    const names = async (client: Client) =>
      (await client.listTools()).tools.map((t) => t.name).sort();
    expect(await names(full)).toEqual([
      'context_brief',
      'get_session',
      'list_tasks',
      'recent_sessions',
      'search_context',
      'update_task',
    ]);
    for (const tool of (await full.listTools()).tools) {
      expect(tool.description?.length).toBeGreaterThan(80);
      expect(tool.inputSchema.type).toBe('object');
    }
    const readOnly = await mcpClient(
      h.server.baseUrl,
      await keyFor(a, ['sessions:read', 'projects:read']),
    );
    expect(await names(readOnly)).not.toContain('update_task');
    expect(await names(readOnly)).toContain('list_tasks');
    const sessionsOnly = await mcpClient(h.server.baseUrl, await keyFor(a, ['sessions:read']));
    expect(await names(sessionsOnly)).toEqual([
      'context_brief',
      'get_session',
      'recent_sessions',
      'search_context',
    ]);
    // Asked anyway, a tool the key was not offered refuses and changes nothing.
    const refused = await readOnly.callTool({
      name: 'update_task',
      arguments: { taskId: world.taskIds[0], checked: true },
    });
    expect(refused.isError).toBe(true);
    expect((await a.client.get(`/v1/tasks/${world.taskIds[0]}`)).body.checked).toBe(false);
  });

  it('context_brief finds the repository by its git remote and names the ids the other tools take', async () => {
    const brief = await callTool(full, 'context_brief', {
      repository: 'git@github.com:acme/mcp.git',
      branch: 'main',
    });
    expect(brief.isError).toBe(false);
    expect(brief.text).toContain('# Dev Context: Acme/Mcp');
    expect(brief.text).toContain('Parser rewrite');
    expect(brief.text).toContain(world.sessionId);
    expect(brief.text).toContain(world.taskIds[0]);
  });

  it('search_context returns plain snippets linked to their session', async () => {
    const found = await callTool(full, 'search_context', { query: 'zanzibarquux', limit: 5 });
    const { hits } = found.json as { hits: { sessionId: string; snippet: string }[] };
    expect(hits).toHaveLength(2);
    expect(hits.every((hit) => hit.sessionId === world.sessionId)).toBe(true);
    expect(hits.map((hit) => hit.snippet).join(' ')).toContain('**zanzibarquux**');
    expect(hits.map((hit) => hit.snippet).join(' ')).toContain('<tags> & quotes');
    const none = await callTool(full, 'search_context', { query: 'nothingmatchesthis' });
    expect((none.json as { hits: unknown[] }).hits).toEqual([]);
  });

  it('recent_sessions and get_session give the session with its files and commands', async () => {
    const recent = await callTool(full, 'recent_sessions', { repositoryId: world.repositoryId });
    expect((recent.json as { sessions: { sessionId: string }[] }).sessions[0]?.sessionId).toBe(
      world.sessionId,
    );
    const session = await callTool(full, 'get_session', { sessionId: world.sessionId });
    expect(session.json).toMatchObject({
      sessionId: world.sessionId,
      title: 'Parser rewrite',
      branch: 'main',
      messages: 2,
      files: ['src/parser.ts (edit)'],
      commands: ['npm test'],
    });
  });

  it('list_tasks and update_task tick a task, set its status and comment, all at once', async () => {
    const listed = await callTool(full, 'list_tasks', { projectId: world.projectId });
    expect((listed.json as { tasks: { title: string }[] }).tasks.map((t) => t.title)).toEqual([
      'Wire the parser',
      'Ship it',
    ]);
    const [first] = world.taskIds;
    const updated = await callTool(full, 'update_task', {
      taskId: first,
      checked: true,
      status: 'completed',
      comment: 'Done in the parser rewrite session',
    });
    expect(updated.json).toMatchObject({
      task: { taskId: first, checked: true, status: 'completed' },
    });
    expect((await a.client.get(`/v1/tasks/${first}`)).body).toMatchObject({
      checked: true,
      status: 'completed',
    });
    const comments = (await a.client.get(`/v1/tasks/${first}/comments`)).body.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual([
      'Done in the parser rewrite session',
    ]);
    const empty = await callTool(full, 'update_task', { taskId: world.taskIds[1] });
    expect(empty).toMatchObject({ isError: true });
    expect(empty.text).toContain('at least one');
    const open = await callTool(full, 'list_tasks', {
      taskListId: world.taskListId,
      status: 'pending',
    });
    expect((open.json as { tasks: unknown[] }).tasks).toHaveLength(1);
  });

  it('each API call a tool makes costs what it would over HTTP; one message per request; a replayed Idempotency-Key runs again', async () => {
    const key = await keyFor(a, FULL);
    const rpc = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${h.server.baseUrl}/mcp`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const remaining = (response: Response) =>
      Number(/r=(\d+)/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
    const getSession = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'get_session', arguments: { sessionId: world.sessionId } },
    };
    const first = await rpc(getSession);
    expect(first.status).toBe(200);
    const started = performance.now();
    const second = await rpc(getSession);
    // The request itself, then the session, its statistics and its commits: 4 tokens, less
    // what the bucket refilled meanwhile (its hourly budget, spread over the hour).
    const limit = Number(/q=(\d+)/.exec(second.headers.get('ratelimit-policy') ?? '')?.[1]);
    const refilled = Math.ceil(((performance.now() - started) / 3_600_000) * limit);
    const spent = remaining(first) - remaining(second);
    expect(spent).toBeGreaterThanOrEqual(4 - refilled);
    expect(spent).toBeLessThanOrEqual(4);

    const batch = await rpc([getSession, { ...getSession, id: 8 }]);
    expect(batch.status).toBe(400);

    const task = (
      await a.client.post(`/v1/task-lists/${world.taskListId}/tasks`, { title: 'Replayed' })
    ).body;
    const comment = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'update_task', arguments: { taskId: task.id, comment: 'again' } },
    };
    for (const _ of [1, 2]) {
      const answer = await rpc(comment, { 'idempotency-key': 'mcp-replay-1' });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ id: 1, result: { content: [{ type: 'text' }] } });
    }
    // JSON-RPC requests carry their own ids: the key does not replay an empty answer.
    expect((await a.client.get(`/v1/tasks/${task.id}/comments`)).body.items).toHaveLength(2);
  });

  it('list_tasks says when a project holds more than it answered', async () => {
    const project = (await a.client.post('/v1/projects', { slug: 'wide', name: 'Wide' })).body;
    for (const n of [1, 2, 3])
      await a.client.post(`/v1/projects/${project.id}/task-lists`, {
        name: `List ${n}`,
        markdown: '- [ ] one\n- [ ] two\n',
      });
    const all = await callTool(full, 'list_tasks', { projectId: project.id });
    expect(all.json).toEqual({ tasks: expect.any(Array) });
    expect((all.json as { tasks: unknown[] }).tasks).toHaveLength(6);
    const cut = await callTool(full, 'list_tasks', { projectId: project.id, limit: 3 });
    expect(cut.json).toMatchObject({
      complete: false,
      hint: expect.stringContaining('taskListId'),
    });
    expect((cut.json as { tasks: unknown[] }).tasks).toHaveLength(3);
  });

  it('another tenant’s key gets nothing of A through any tool, and changes nothing', async () => {
    const other = await mcpClient(h.server.baseUrl, await keyFor(b, FULL));
    const attempts: [string, Record<string, unknown>][] = [
      ['context_brief', { repositoryId: world.repositoryId }],
      ['context_brief', { repository: 'acme/mcp' }],
      ['get_session', { sessionId: world.sessionId }],
      ['list_tasks', { taskListId: world.taskListId }],
      ['list_tasks', { projectId: world.projectId }],
      ['update_task', { taskId: world.taskIds[1], checked: true, comment: 'from B' }],
    ];
    for (const [name, args] of attempts) {
      const answer = await callTool(other, name, args);
      expect(answer, name).toMatchObject({ isError: true });
      expect(answer.text, name).toMatch(/not found|does not exist|no such/i);
    }
    expect((await callTool(other, 'search_context', { query: 'zanzibarquux' })).json).toMatchObject(
      { hits: [] },
    );
    expect(
      (await callTool(other, 'recent_sessions', { repositoryId: world.repositoryId })).json,
    ).toMatchObject({ sessions: [] });
    expect(
      (await callTool(other, 'search_context', { query: 'x', sessionId: world.sessionId })).json,
    ).toMatchObject({ hits: [] });
    const untouched = (await a.client.get(`/v1/tasks/${world.taskIds[1]}`)).body;
    expect(untouched.checked).toBe(false);
    expect((await a.client.get(`/v1/tasks/${world.taskIds[1]}/comments`)).body.items).toEqual([]);
  });

  it('over plain HTTP: no key 401, a key without sessions:read 403, GET 405, not JSON-RPC 400, wrong Accept 406, all problem+json', async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${h.server.baseUrl}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
        body: JSON.stringify(body),
      });
    const ping = { jsonrpc: '2.0', id: 1, method: 'ping' };
    expect((await post({}, ping)).status).toBe(401);
    const tasksOnly = await keyFor(a, ['projects:read']);
    const forbidden = await post({ authorization: `Bearer ${tasksOnly}` }, ping);
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get('content-type')).toContain('application/problem+json');
    const key = await keyFor(a, FULL);
    expect(
      (await fetch(`${h.server.baseUrl}/mcp`, { headers: { authorization: `Bearer ${key}` } }))
        .status,
    ).toBe(405);
    const notRpc = await post({ authorization: `Bearer ${key}` }, { hello: 'world' });
    expect(notRpc.status).toBe(400);
    const halfRpc = await post({ authorization: `Bearer ${key}` }, { jsonrpc: '2.0' });
    expect(halfRpc.status).toBe(400);
    expect(halfRpc.headers.get('content-type')).toContain('application/problem+json');
    const jsonOnly = await post(
      { authorization: `Bearer ${key}`, accept: 'application/json' },
      ping,
    );
    expect(jsonOnly.status).toBe(406);
    expect(((await jsonOnly.json()) as { code: string }).code).toBe('not_acceptable');
    const pong = await post({ authorization: `Bearer ${key}` }, ping);
    expect(pong.status).toBe(200);
    expect(await pong.json()).toEqual({ jsonrpc: '2.0', id: 1, result: {} });
  });
});
