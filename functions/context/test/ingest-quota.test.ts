// A batch's new messages are counted against the tier as its transaction commits (so
// concurrent batches of one tenant do not wait for each other): the limit must still hold
// exactly, and a batch over it must leave nothing behind.
import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startContext();
  owner = await signup(h.anonymous, 'quota');
  await adminQuery(h.database.adminUrl, `update tiers set max_messages = 5 where tier = 'free'`);
});
afterAll(async () => {
  await adminQuery(
    h.database.adminUrl,
    `update tiers set max_messages = 10000 where tier = 'free'`,
  );
  await h.close();
});

const conversation = async () => {
  const session = (await owner.client.post('/v1/sessions', { tool: 'claude-code' })).body;
  return (await owner.client.post(`/v1/sessions/${session.id}/conversations`, {})).body
    .id as string;
};
const batch = (...contents: string[]) => ({
  messages: contents.map((content) => ({ role: 'user', content })),
});
const stored = async () => {
  const [row] = await adminQuery(
    h.database.adminUrl,
    `select (select count(*)::int from message_bodies where tenant_id = $1) as bodies,
            (select count(*)::int from messages where tenant_id = $1) as messages`,
    [owner.tenant.id],
  );
  const usage = (await owner.client.get('/v1/tenant/usage')).body.messages.used;
  return { ...row, usage };
};

describe('ingest against the tier’s message limit', () => {
  it('refuses a batch past the limit whole, and of two racing batches lets one through', async () => {
    const first = await conversation();
    expect(
      (await owner.client.post(`/v1/conversations/${first}/messages`, batch('a', 'b', 'c'))).status,
    ).toBe(201);

    const over = await owner.client.post(
      `/v1/conversations/${first}/messages`,
      batch('d', 'e', 'f'),
    );
    expect(over.status).toBe(403);
    expect(over.body.code).toBe('quota_exceeded');
    expect(await stored()).toEqual({ bodies: 3, messages: 3, usage: 3 });

    // Two left: each racing batch fits alone, both together do not.
    const [one, two] = await Promise.all([
      owner.client.post(`/v1/conversations/${first}/messages`, batch('g', 'h')),
      owner.client.post(`/v1/conversations/${await conversation()}/messages`, batch('i', 'j')),
    ]);
    expect([one.status, two.status].sort()).toEqual([201, 403]);
    expect(await stored()).toEqual({ bodies: 5, messages: 5, usage: 5 });

    // Texts already stored cost nothing: a batch of them still goes in at the limit.
    expect(
      (await owner.client.post(`/v1/conversations/${first}/messages`, batch('a', 'b'))).status,
    ).toBe(201);
    expect(await stored()).toEqual({ bodies: 5, messages: 7, usage: 5 });
  });

  it('refuses a text past the limit at its insert already, not only at commit', async () => {
    // Without the early check this transaction would reach ROLLBACK without an error (the
    // count is applied at commit): a 1 GiB archive would be written whole before failing.
    await expect(
      adminQuery(
        h.database.adminUrl,
        `begin;
         insert into message_bodies (tenant_id, hash, content, byte_size)
         values ('${owner.tenant.id}', sha256('one too many'), 'one too many', 12);
         rollback;`,
      ),
    ).rejects.toThrow('messages:5');
  });
});
