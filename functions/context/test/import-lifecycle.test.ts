import { existsSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LocalObjectStorage } from '@devctx/shared';
import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// Every import ends, and its upload costs storage only while it is needed.
let h: Awaited<ReturnType<typeof startContext>>;
let storageDir: string;
beforeAll(async () => {
  storageDir = await mkdtemp(path.join(tmpdir(), 'devctx-import-lifecycle-'));
  h = await startContext({ STORAGE_LOCAL_DIR: storageDir });
});
afterAll(() => h.close());

const line = (n: number, content: string) =>
  JSON.stringify({
    type: n % 2 ? 'assistant' : 'user',
    sessionId: 'life-1',
    uuid: `u-${n}`,
    timestamp: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
    message: { role: n % 2 ? 'assistant' : 'user', content },
  });
const transcript = (count: number) =>
  Array.from({ length: count }, (_, n) => line(n, `message number ${n}`)).join('\n');

async function ended(t: SignedUp, id: string) {
  for (let i = 0; i < 300; i++) {
    const reply = await t.client.get(`/v1/imports/${id}`);
    if (reply.body.status === 'succeeded' || reply.body.status === 'failed') return reply.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the import never ended');
}
const uploads = async (tenantId: string) => {
  const dir = path.join(storageDir, 'tenants', tenantId, 'imports');
  return existsSync(dir) ? readdir(dir) : [];
};
const storageUsed = async (t: SignedUp) =>
  (await t.client.get('/v1/tenant/usage')).body.storageBytes.used;

describe('an import', () => {
  it('refuses an upload with nothing to import before storing it', async () => {
    const t = await signup(h.anonymous, 'garbage');
    const reply = await t.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: 'not json\n{"x":1}',
    });
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toContain('Nothing to import');
    expect(await uploads(t.tenant.id)).toEqual([]);
    expect(await storageUsed(t)).toBe(0);
  });

  it('counts its upload toward storage until it succeeds, then deletes it', async () => {
    const t = await signup(h.anonymous, 'counted');
    const before = await storageUsed(t);
    const accepted = await t.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: transcript(4),
    });
    expect(accepted.status).toBe(202);
    const done = await ended(t, accepted.body.id);
    expect(done.status).toBe('succeeded');
    // Deleted once the import's transaction has committed: a moment after `succeeded`.
    await expect.poll(() => uploads(t.tenant.id)).toEqual([]);
    const bodies = await adminQuery(
      h.database.adminUrl,
      'select coalesce(sum(byte_size), 0)::int as n from message_bodies where tenant_id = $1',
      [t.tenant.id],
    );
    expect(await storageUsed(t)).toBe(before + (bodies[0]?.n ?? 0));
  });

  it('turns an unpaired surrogate inside a transcript line into U+FFFD instead of failing', async () => {
    const t = await signup(h.anonymous, 'surrogate');
    const broken = [line(0, 'fine'), line(1, 'broken \ud800 here')].join('\n');
    expect(broken).toContain('\\ud800');
    const done = await ended(
      t,
      (await t.client.post('/v1/imports', { kind: 'claude-code', transcript: broken })).body.id,
    );
    expect(done).toMatchObject({ status: 'succeeded', report: { newMessages: 2 } });
    const hits = await t.client.get('/v1/search/messages?q=broken');
    expect(hits.body.items[0]?.content ?? hits.body.items[0]?.snippet).toContain('\ufffd');
  });

  it('fails at once, with the reason, when the quota is gone by the time it runs, and writes nothing', async () => {
    const t = await signup(h.anonymous, 'over-quota');
    // Accepted while there was room; by the time its job runs, the room is gone (another
    // import, say): the job meets the quota itself.
    const storage = new LocalObjectStorage(storageDir);
    await storage.put(
      t.tenant.id,
      'imports/raced.json',
      Buffer.from(JSON.stringify({ kind: 'claude-code', transcript: transcript(6) })),
    );
    await adminQuery(h.database.adminUrl, `update tiers set max_messages = 3 where tier = 'free'`);
    try {
      const [row] = await adminQuery(
        h.database.adminUrl,
        `insert into imports (tenant_id, kind, storage_key, upload_bytes) values ($1, 'claude-code', 'imports/raced.json', 10) returning id`,
        [t.tenant.id],
      );
      await adminQuery(
        h.database.adminUrl,
        `insert into jobs (tenant_id, kind, payload) values ($1, 'context.import', $2)`,
        [t.tenant.id, JSON.stringify({ importId: row?.id })],
      );
      const done = await ended(t, row?.id);
      expect(done.status).toBe('failed');
      expect(done.error).toContain('messages');
      expect((await t.client.get('/v1/sessions')).body.items).toEqual([]);
      const [job] = (await t.client.get('/v1/jobs?kind=context.import')).body.items;
      expect(job).toMatchObject({ state: 'dead', attempts: 1 });
      // Kept for a retry (a week), and counted meanwhile.
      expect(await uploads(t.tenant.id)).toHaveLength(1);
    } finally {
      await adminQuery(
        h.database.adminUrl,
        `update tiers set max_messages = 10000 where tier = 'free'`,
      );
    }
  });

  it('fails, never stays queued, when its upload is gone', async () => {
    const t = await signup(h.anonymous, 'gone');
    const [row] = await adminQuery(
      h.database.adminUrl,
      `insert into imports (tenant_id, kind, storage_key, upload_bytes)
         values ($1, 'claude-code', 'imports/never-stored.json', 10) returning id;`,
      [t.tenant.id],
    );
    await adminQuery(
      h.database.adminUrl,
      `insert into jobs (tenant_id, kind, payload) values ($1, 'context.import', $2)`,
      [t.tenant.id, JSON.stringify({ importId: row?.id })],
    );
    const done = await ended(t, row?.id);
    expect(done).toMatchObject({ status: 'failed', error: 'The upload is gone; upload it again.' });
    const [job] = (await t.client.get('/v1/jobs?kind=context.import')).body.items;
    expect(job).toMatchObject({ state: 'dead', attempts: 1 });
  });
});

describe('an import the tier cannot hold', () => {
  it('is refused before it starts, naming the quota, what it needs and what is left', async () => {
    const t = await signup(h.anonymous, 'free-tier');
    // A real free tenant (10,000 messages) and a transcript of 10,050.
    const big = transcript(10_050);
    const reply = await t.client.post('/v1/imports', { kind: 'claude-code', transcript: big });
    expect(reply.status).toBe(403);
    expect(reply.body).toMatchObject({
      code: 'quota_exceeded',
      quota: {
        resource: 'messages',
        tier: 'free',
        needed: 10_050,
        remaining: 10_000,
        limit: 10_000,
      },
    });
    expect(reply.body.detail).toContain('Nothing was imported');
    expect((await t.client.get('/v1/imports')).body.items).toEqual([]);
    expect((await t.client.get('/v1/sessions')).body.items).toEqual([]);
    expect(await uploads(t.tenant.id)).toEqual([]);
    // What fits goes through.
    const small = await t.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: transcript(5),
    });
    expect(small.status).toBe(202);
  });

  it('counts only what is new: messages the tenant already has need no room', async () => {
    const t = await signup(h.anonymous, 'known');
    const first = await t.client.post('/v1/imports', {
      kind: 'claude-code',
      transcript: transcript(10),
    });
    await ended(t, first.body.id);
    await adminQuery(h.database.adminUrl, `update tiers set max_messages = 10 where tier = 'free'`);
    try {
      const again = await t.client.post('/v1/imports', {
        kind: 'claude-code',
        transcript: transcript(10),
      });
      expect(again.status).toBe(202);
      const more = await t.client.post('/v1/imports', {
        kind: 'claude-code',
        transcript: transcript(11),
      });
      expect(more.body.quota).toMatchObject({ needed: 1, remaining: 0 });
    } finally {
      await adminQuery(
        h.database.adminUrl,
        `update tiers set max_messages = 10000 where tier = 'free'`,
      );
    }
  });
});

describe('the list of imports', () => {
  it('shows each with its status, counts, who started it and when, newest first', async () => {
    const t = await signup(h.anonymous, 'listed');
    const ids = [];
    for (const n of [2, 3]) {
      const accepted = await t.client.post('/v1/imports', {
        kind: 'claude-code',
        transcript: transcript(n),
      });
      ids.push(accepted.body.id);
      await ended(t, accepted.body.id);
    }
    const list = await t.client.get('/v1/imports?limit=1');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({
      id: ids[1],
      kind: 'claude-code',
      status: 'succeeded',
      createdBy: { id: t.user.id, name: 'Owner' },
      report: { sessions: 1 },
    });
    const next = await t.client.get(`/v1/imports?limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
    expect((await t.client.get('/v1/imports?status=failed')).body.items).toEqual([]);
    const other = await signup(h.anonymous, 'listed-other');
    expect((await other.client.get('/v1/imports')).body.items).toEqual([]);
  });
});
