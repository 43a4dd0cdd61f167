import { createHash } from 'node:crypto';
import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'ctx');
});
afterAll(() => h.close());

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const newConversation = async (externalId?: string) => {
  const session = (
    await owner.client.post('/v1/sessions', {
      tool: 'claude-code',
      ...(externalId ? { externalId } : {}),
    })
  ).body;
  const conversation = (await owner.client.post(`/v1/sessions/${session.id}/conversations`, {}))
    .body;
  return { session, conversation };
};

describe('sessions', () => {
  it('record, read, list, change, end (once), delete; the same tool session is recorded once', async () => {
    const created = await owner.client.post('/v1/sessions', {
      tool: 'claude-code',
      externalId: 'cc-1',
      gitBranch: 'main',
      startedAt: '2025-11-20T10:00:00Z',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      tool: 'claude-code',
      externalId: 'cc-1',
      userId: owner.user.id,
      endedAt: null,
    });
    const again = await owner.client.post('/v1/sessions', {
      tool: 'claude-code',
      externalId: 'cc-1',
    });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);

    const renamed = await owner.client.patch(`/v1/sessions/${created.body.id}`, {
      title: 'Fix export',
    });
    expect(renamed.body).toMatchObject({ title: 'Fix export', gitBranch: 'main' });
    const ended = await owner.client.post(`/v1/sessions/${created.body.id}/end`, {
      endedAt: '2025-11-20T11:30:00Z',
    });
    expect(ended.body).toMatchObject({
      endedAt: '2025-11-20T11:30:00.000Z',
      durationSeconds: 5400,
    });
    const endedAgain = await owner.client.post(`/v1/sessions/${created.body.id}/end`, {});
    expect(endedAgain.body.endedAt).toBe('2025-11-20T11:30:00.000Z');

    const list = await owner.client.get('/v1/sessions?tool=claude-code');
    expect(list.body.items.map((s: { id: string }) => s.id)).toContain(created.body.id);
    expect((await owner.client.delete(`/v1/sessions/${created.body.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/sessions/${created.body.id}`)).status).toBe(404);
  });
});

describe('messages', () => {
  it('keep order, and store each body once: across batches, conversations and sessions', async () => {
    const first = await newConversation();
    const batch = [
      { role: 'user', content: 'Fix rolling_log_handler.py please', externalId: 'm1' },
      {
        role: 'assistant',
        content: 'Done. ✅',
        externalId: 'm2',
        inputTokens: 10,
        outputTokens: 3,
        fileReferences: [{ path: 'rolling_log_handler.py', operation: 'edit' }],
        commands: ['pytest'],
      },
      { role: 'user', content: 'Done. ✅', externalId: 'm3' },
    ];
    const reply = await owner.client.post(`/v1/conversations/${first.conversation.id}/messages`, {
      messages: batch,
    });
    expect(reply.status).toBe(201);
    expect(reply.body.items.map((i: { duplicateBody: boolean }) => i.duplicateBody)).toEqual([
      false,
      false,
      true,
    ]);
    expect(reply.body.items[0].hash).toBe(sha('Fix rolling_log_handler.py please'));
    expect(reply.body.newBodies).toBe(2);

    // The same batch again: nothing new at all.
    const resent = await owner.client.post(`/v1/conversations/${first.conversation.id}/messages`, {
      messages: batch,
    });
    expect(
      resent.body.items.every(
        (i: { duplicateBody: boolean; duplicateMessage: boolean }) =>
          i.duplicateBody && i.duplicateMessage,
      ),
    ).toBe(true);

    // The same transcript under another session: no second body, but its own messages.
    const second = await newConversation();
    const copy = await owner.client.post(`/v1/conversations/${second.conversation.id}/messages`, {
      messages: batch,
    });
    expect(
      copy.body.items.every(
        (i: { duplicateBody: boolean; duplicateMessage: boolean }) =>
          i.duplicateBody && !i.duplicateMessage,
      ),
    ).toBe(true);

    const listed = (await owner.client.get(`/v1/conversations/${second.conversation.id}/messages`))
      .body.items;
    expect(
      listed.map((m: { sequence: number; content: string }) => [m.sequence, m.content]),
    ).toEqual([
      [0, 'Fix rolling_log_handler.py please'],
      [1, 'Done. ✅'],
      [2, 'Done. ✅'],
    ]);
    const [bodies] = await adminQuery(
      h.database.adminUrl,
      'select count(*)::int as n from message_bodies where tenant_id = $1',
      [owner.tenant.id],
    );
    expect(bodies?.n).toBe(2);
    expect((await owner.client.get('/v1/tenant/usage')).body.messages.used).toBe(2);

    const stats = await owner.client.get(`/v1/sessions/${first.session.id}/stats`);
    expect(stats.body).toMatchObject({
      messages: 3,
      byRole: { user: 2, assistant: 1 },
      inputTokens: 10,
      outputTokens: 3,
      commands: ['pytest'],
    });
    expect(stats.body.filesTouched).toEqual([
      { path: 'rolling_log_handler.py', operations: ['edit'], references: 1 },
    ]);
  });

  it('page from a given sequence (where a search hit is), then on with the cursor', async () => {
    const { conversation } = await newConversation();
    await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: Array.from({ length: 10 }, (_, i) => ({ role: 'user', content: `step ${i}` })),
    });
    const path = `/v1/conversations/${conversation.id}/messages`;
    const first = await owner.client.get(`${path}?fromSequence=6&limit=2`);
    expect(first.body.items.map((m: { sequence: number }) => m.sequence)).toEqual([6, 7]);
    const next = await owner.client.get(
      `${path}?fromSequence=6&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items.map((m: { content: string }) => m.content)).toEqual([
      'step 8',
      'step 9',
    ]);
    expect(next.body.nextCursor).toBeNull();
    expect((await owner.client.get(`${path}?fromSequence=-1`)).status).toBe(400);
  });

  it('normalise line ends and Unicode form before hashing', async () => {
    const { conversation } = await newConversation();
    const reply = await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        { role: 'user', content: 'line one\r\nline two café' },
        { role: 'user', content: 'line one\nline two cafe\u0301' },
      ],
    });
    expect(reply.body.items[0].hash).toBe(reply.body.items[1].hash);
    expect(reply.body.items[1].duplicateBody).toBe(true);
  });

  it('dedup-check tells which hashes are stored — in this tenant only', async () => {
    const stored = sha('Fix rolling_log_handler.py please');
    const unknown = sha('never sent');
    const mine = await owner.client.post('/v1/messages/dedup-check', { hashes: [stored, unknown] });
    expect(mine.body).toEqual({ stored: [stored], missing: [unknown] });
    const other = await signup(h.anonymous, 'ctx-other');
    const theirs = await other.client.post('/v1/messages/dedup-check', { hashes: [stored] });
    expect(theirs.body).toEqual({ stored: [], missing: [stored] });
  });

  it('refuse bad batches whole: too many, bad roles, bad hashes', async () => {
    const { conversation } = await newConversation();
    const many = Array.from({ length: 1001 }, (_, i) => ({ role: 'user', content: `m${i}` }));
    expect(
      (await owner.client.post(`/v1/conversations/${conversation.id}/messages`, { messages: many }))
        .status,
    ).toBe(400);
    const bad = await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'robot', content: 'no' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('body.messages.1.role');
    expect(
      (await owner.client.get(`/v1/conversations/${conversation.id}/messages`)).body.items,
    ).toEqual([]);
    expect((await owner.client.post('/v1/messages/dedup-check', { hashes: ['abc'] })).status).toBe(
      400,
    );
    // PostgreSQL cannot store NUL in text: the client hears so, and nothing is half-written.
    const nul = await owner.client.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [
        { role: 'user', content: 'fine' },
        { role: 'user', content: 'nul \u0000 inside' },
      ],
    });
    expect(nul.status).toBe(400);
    expect(nul.headers.get('content-type')).toContain('application/problem+json');
    expect(
      (await owner.client.get(`/v1/conversations/${conversation.id}/messages`)).body.items,
    ).toEqual([]);
  });
});
