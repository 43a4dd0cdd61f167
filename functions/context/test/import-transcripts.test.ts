import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// What a real Claude Code transcript holds survives its import: tool calls linked to their
// results, the model, token usage, sidechains in their place in time, thinking kept aside.
let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'transcripts');
});
afterAll(() => h.close());

const base = { sessionId: 'cc-tools', cwd: '/work/app', gitBranch: 'main', version: '2.0.1' };
const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 9, minute)).toISOString();
const lines = [
  {
    type: 'user',
    uuid: 'u1',
    parentUuid: null,
    timestamp: at(0),
    message: { role: 'user', content: 'Why does the server crash?' },
  },
  {
    type: 'assistant',
    uuid: 'a1-1',
    parentUuid: 'u1',
    timestamp: at(1),
    message: {
      id: 'msg_1',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 1200, output_tokens: 80 },
      content: [
        { type: 'thinking', thinking: 'Probably the zebrafinch config loader.' },
        { type: 'text', text: 'Let me read the entry point.' },
      ],
    },
  },
  {
    type: 'assistant',
    uuid: 'a1-2',
    parentUuid: 'a1-1',
    timestamp: at(1),
    message: {
      id: 'msg_1',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 1200, output_tokens: 95 },
      content: [
        {
          type: 'tool_use',
          id: 'toolu_read',
          name: 'Read',
          input: { file_path: 'src/server/entry-point.ts' },
        },
      ],
    },
  },
  {
    type: 'user',
    uuid: 'r1',
    parentUuid: 'a1-2',
    timestamp: at(2),
    message: {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_read',
          content: 'export const start = () => {}',
        },
      ],
    },
  },
  // A sub-agent's thread, written to the file later but happening between the two.
  {
    type: 'assistant',
    uuid: 's1',
    parentUuid: 'a1-2',
    isSidechain: true,
    timestamp: at(3),
    message: {
      id: 'msg_side',
      role: 'assistant',
      model: 'claude-haiku-4-5',
      content: [{ type: 'text', text: 'Sub-agent: searched the config.' }],
    },
  },
  {
    type: 'assistant',
    uuid: 'a2',
    parentUuid: 'r1',
    timestamp: at(5),
    message: {
      id: 'msg_2',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: 'Found it.' }],
    },
  },
  {
    type: 'user',
    uuid: 'u2',
    parentUuid: 'a2',
    timestamp: at(4),
    message: { role: 'user', content: 'Thanks' },
  },
].map((line) => JSON.stringify({ ...base, ...line }));

async function importAndWait(transcript: string, t: SignedUp = owner) {
  const accepted = await t.client.post('/v1/imports', { kind: 'claude-code', transcript });
  expect(accepted.status).toBe(202);
  for (let i = 0; i < 200; i++) {
    const reply = await t.client.get(`/v1/imports/${accepted.body.id}`);
    if (reply.body.status === 'succeeded' || reply.body.status === 'failed') return reply.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import never ended');
}

async function messagesOf(t: SignedUp, externalSession: string) {
  const sessions = (await t.client.get('/v1/sessions?tool=claude-code')).body.items;
  const session = sessions.find((s: { externalId: string }) => s.externalId === externalSession);
  const conversations = (await t.client.get(`/v1/sessions/${session.id}/conversations`)).body.items;
  expect(conversations).toHaveLength(1);
  return {
    session,
    messages: (await t.client.get(`/v1/conversations/${conversations[0].id}/messages?limit=200`))
      .body.items,
  };
}

describe('a Claude Code transcript', () => {
  it('keeps tool calls and links results to them, with the model and tokens', async () => {
    expect(await importAndWait(lines.join('\n'))).toMatchObject({ status: 'succeeded' });
    const { session, messages } = await messagesOf(owner, 'cc-tools');
    expect(session.model).toBe('claude-sonnet-4-5');
    const answer = messages.find((m: { externalId: string }) => m.externalId === 'msg_1');
    expect(answer).toMatchObject({
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      inputTokens: 1200,
      outputTokens: 95,
      toolCalls: [
        { id: 'toolu_read', name: 'Read', input: { file_path: 'src/server/entry-point.ts' } },
      ],
      thinking: 'Probably the zebrafinch config loader.',
      sidechain: false,
    });
    const result = messages.find((m: { externalId: string }) => m.externalId === 'r1');
    expect(result).toMatchObject({ role: 'tool', answersToolCalls: ['toolu_read'] });
  });

  it('places each message by time, a sidechain marked in its place', async () => {
    const { messages } = await messagesOf(owner, 'cc-tools');
    expect(messages.map((m: { externalId: string }) => m.externalId)).toEqual([
      'u1',
      'msg_1',
      'r1',
      'msg_side',
      'u2',
      'msg_2',
    ]);
    expect(messages.find((m: { externalId: string }) => m.externalId === 'msg_side')).toMatchObject(
      {
        sidechain: true,
        model: 'claude-haiku-4-5',
        parentExternalId: 'a1-2',
      },
    );
  });

  it('makes tool inputs searchable, and keeps thinking out of search', async () => {
    const byPath = await owner.client.get('/v1/search/messages?q=entry-point.ts');
    expect(byPath.body.items.map((i: { snippet: string }) => i.snippet).join()).toContain(
      'entry-point.ts',
    );
    const thinking = await owner.client.get('/v1/search/messages?q=zebrafinch');
    expect(thinking.body.items).toEqual([]);
  });

  it('imports one transcript once, however many imports of it run at the same time', async () => {
    const t = await signup(h.anonymous, 'concurrent');
    // The session exists already, as a capture hook makes it.
    await importAndWait(lines.slice(0, 1).join('\n'), t);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => importAndWait(lines.join('\n'), t)),
    );
    expect(outcomes.every((o) => o.status === 'succeeded')).toBe(true);
    const { messages } = await messagesOf(t, 'cc-tools');
    expect(messages).toHaveLength(6);
    expect(new Set(messages.map((m: { externalId: string }) => m.externalId)).size).toBe(6);
  });

  it('refuses a transcript whose lines name no session unless the upload does', async () => {
    const anonymousLines = [
      JSON.stringify({
        type: 'user',
        uuid: 'x1',
        message: { role: 'user', content: 'no session here' },
      }),
    ];
    const refused = await owner.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: anonymousLines.join('\n'),
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].path).toBe('body.sessionId');
    const named = await owner.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: anonymousLines.join('\n'),
      sessionId: 'from-the-file-name',
    });
    expect(named.status).toBe(202);
  });
});
