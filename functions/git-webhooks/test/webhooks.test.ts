import { adminQuery, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliver,
  eventually,
  pushEvent,
  type SignedUp,
  sign,
  signup,
  startWebhooks,
} from './support.ts';

let h: Awaited<ReturnType<typeof startWebhooks>>;
let owner: SignedUp;
let repo: { id: string };
let secret: string;
beforeAll(async () => {
  h = await startWebhooks();
  owner = await signup(h.anonymous, 'hooks');
  await setTenantTier(h.database.adminUrl, owner.tenant.id, 'pro');
  const created = await owner.client.post('/v1/repositories', {
    provider: 'github',
    fullName: 'acme/widgets',
  });
  repo = created.body;
  secret = created.body.webhookSecret;
});
afterAll(() => h.close());

const sha = (n: number) => n.toString(16).padEnd(40, '0');
const deliveries = async () =>
  (await owner.client.get(`/v1/repositories/${repo.id}/deliveries`)).body.items;
const commits = async (id = repo.id) =>
  (await owner.client.get(`/v1/repositories/${id}/commits?limit=200`)).body.items;
const processed = (deliveryId: string) =>
  eventually(deliveries, (items) =>
    items.some((d: { id: string; status: string }) => d.id === deliveryId && d.status !== 'queued'),
  );
const stored = async () =>
  Number(
    (await adminQuery(h.database.adminUrl, 'select count(*)::int as n from webhook_deliveries'))[0]
      ?.n,
  );

describe('webhook ingress: authentication', () => {
  it('refuses a missing, wrong or tampered signature with 401 and keeps only a counter', async () => {
    const before = await stored();
    const payload = pushEvent({ commits: [{ id: sha(1), message: 'x' }] });
    const body = Buffer.from(JSON.stringify(payload));
    const refused = [
      await deliver(h.server.baseUrl, repo.id, secret, 'push', payload, { signature: null }),
      await deliver(h.server.baseUrl, repo.id, 'whsec_wrong', 'push', payload),
      await deliver(h.server.baseUrl, repo.id, secret, 'push', payload, {
        raw: Buffer.from(JSON.stringify({ ...payload, ref: 'refs/heads/evil' })),
        signature: sign(secret, body),
      }),
      await deliver(
        h.server.baseUrl,
        '00000000-0000-4000-8000-000000000000',
        secret,
        'push',
        payload,
      ),
    ];
    for (const reply of refused) {
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await stored()).toBe(before);
    // Counted: the two whose body was read and did not match. A missing signature is
    // refused before the repository is even looked up.
    expect(
      (await owner.client.get(`/v1/repositories/${repo.id}`)).body.webhook.rejectedDeliveries,
    ).toBe(2);
  });

  it("one tenant's secret does not deliver to another tenant's repository", async () => {
    const other = await signup(h.anonymous, 'hooks-other');
    const theirs = (
      await other.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/widgets' })
    ).body;
    const reply = await deliver(
      h.server.baseUrl,
      theirs.id,
      secret,
      'push',
      pushEvent({ commits: [{ id: sha(9), message: 'x' }] }),
    );
    expect(reply.status).toBe(401);
    expect((await other.client.get(`/v1/repositories/${theirs.id}/deliveries`)).body.items).toEqual(
      [],
    );
    expect((await other.client.get(`/v1/repositories/${repo.id}/deliveries`)).status).toBe(404);
  });

  it('a repository id two tenants share (an imported tenant keeps its ids) delivers to whose secret signed it', async () => {
    // Another tenant holds a copy of this repository's id, as an import of a crafted (or
    // the same tenant's) archive makes it, with a secret this server cannot open.
    const other = await signup(h.anonymous, 'hooks-twin');
    const mine = (
      await owner.client.post('/v1/repositories', { provider: 'github', fullName: 'acme/twins' })
    ).body;
    await adminQuery(
      h.database.adminUrl,
      `insert into repositories (tenant_id, id, provider, full_name, webhook_secret)
       values ($1, $2, 'github', 'acme/twins', '\\x00ff'::bytea)`,
      [other.tenant.id, mine.id],
    );
    const reply = await deliver(
      h.server.baseUrl,
      mine.id,
      mine.webhookSecret,
      'push',
      pushEvent({ commits: [{ id: sha(10), message: 'twin' }] }),
    );
    expect(reply.status).toBe(202);
    await eventually(
      () => commits(mine.id),
      (items) => items.length > 0,
    );
    expect((await commits(mine.id)).map((c: { sha: string }) => c.sha)).toEqual([sha(10)]);
    expect(
      await adminQuery(h.database.adminUrl, 'select 1 from commits where tenant_id = $1', [
        other.tenant.id,
      ]),
    ).toEqual([]);
  });

  it('answers 415 to other content types and 413 beyond 25 MB', async () => {
    const wrongType = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'ping',
      { zen: 'hi' },
      { contentType: 'text/plain' },
    );
    expect(wrongType.status).toBe(415);
    const huge = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    const tooBig = await deliver(h.server.baseUrl, repo.id, secret, 'push', null, { raw: huge });
    expect(tooBig.status).toBe(413);
  });

  it('accepts the previous secret after a rotation, and the new one', async () => {
    const rotated = (await owner.client.post(`/v1/repositories/${repo.id}/webhook-secret`, {})).body
      .webhookSecret;
    expect((await deliver(h.server.baseUrl, repo.id, secret, 'ping', { zen: 'old' })).status).toBe(
      202,
    );
    expect((await deliver(h.server.baseUrl, repo.id, rotated, 'ping', { zen: 'new' })).status).toBe(
      202,
    );
    secret = rotated;
  });
});

describe('webhook ingress: processing', () => {
  it('ping is recorded and processed; unknown events are recorded and ignored', async () => {
    const ping = await deliver(h.server.baseUrl, repo.id, secret, 'ping', {
      zen: 'Design for failure.',
      hook_id: 1,
    });
    expect(ping.status).toBe(202);
    expect(ping.body).toMatchObject({ event: 'ping', duplicate: false });
    const issue = await deliver(h.server.baseUrl, repo.id, secret, 'issues', { action: 'opened' });
    const items = await processed(issue.body.deliveryId);
    const byId = new Map(items.map((d: { id: string }) => [d.id, d]));
    await processed(ping.body.deliveryId);
    expect(
      (await deliveries()).find((d: { id: string }) => d.id === ping.body.deliveryId),
    ).toMatchObject({ status: 'processed', summary: { pong: true } });
    expect(byId.get(issue.body.deliveryId)).toMatchObject({ event: 'issues', status: 'ignored' });
  });

  it('push with 0, 1 and many commits (JSON and form-encoded), with timings recorded', async () => {
    const empty = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'push',
      pushEvent({ commits: [] }),
    );
    const one = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'push',
      pushEvent({
        commits: [
          {
            id: sha(1),
            message: 'fix(db): one\n\nbody',
            added: ['a.ts'],
            modified: ['b.ts', 'a.ts'],
          },
        ],
      }),
      { contentType: 'application/x-www-form-urlencoded' },
    );
    const many = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'push',
      pushEvent({
        ref: 'refs/heads/feature/x',
        created: true,
        commits: Array.from({ length: 50 }, (_, i) => ({
          id: sha(100 + i),
          message: `feat: change ${i}`,
        })),
      }),
    );
    for (const reply of [empty, one, many]) expect(reply.status).toBe(202);
    await processed(many.body.deliveryId);
    await processed(one.body.deliveryId);
    const items = await processed(empty.body.deliveryId);
    const find = (id: string) => items.find((d: { id: string }) => d.id === id);
    expect(find(empty.body.deliveryId)).toMatchObject({
      status: 'processed',
      summary: { commits: 0, inserted: 0 },
    });
    expect(find(one.body.deliveryId)).toMatchObject({
      status: 'processed',
      summary: { commits: 1, inserted: 1, branch: 'main' },
    });
    expect(find(many.body.deliveryId)).toMatchObject({
      status: 'processed',
      summary: { commits: 50, inserted: 50, branch: 'feature/x', created: true },
    });
    expect(find(many.body.deliveryId).processingMs).toBeGreaterThanOrEqual(0);
    const all = await commits();
    expect(all).toHaveLength(51);
    expect(all.find((c: { sha: string }) => c.sha === sha(1))).toMatchObject({
      subject: 'fix(db): one',
      conventional: { type: 'fix', scope: 'db' },
      stats: { filesChanged: 2 },
      branches: ['main'],
      source: 'webhook',
      committedAt: '2026-11-24T11:00:00.000Z',
    });
  });

  it('the same X-GitHub-Delivery twice has one effect; redelivery re-processes without duplicates', async () => {
    const payload = pushEvent({ commits: [{ id: sha(7), message: 'chore: once' }] });
    const first = await deliver(h.server.baseUrl, repo.id, secret, 'push', payload, {
      delivery: 'storm-1',
    });
    const replays = await Promise.all(
      Array.from({ length: 10 }, () =>
        deliver(h.server.baseUrl, repo.id, secret, 'push', payload, { delivery: 'storm-1' }),
      ),
    );
    expect(first.body.duplicate).toBe(false);
    for (const replay of replays) {
      expect(replay.status).toBe(202);
      expect(replay.body).toEqual({
        deliveryId: first.body.deliveryId,
        event: 'push',
        duplicate: true,
      });
    }
    await processed(first.body.deliveryId);
    const count = async () =>
      (await commits()).filter((c: { sha: string }) => c.sha === sha(7)).length;
    expect(await count()).toBe(1);
    const jobs = await adminQuery(
      h.database.adminUrl,
      "select count(*)::int as n from webhook_deliveries where delivery_id = 'storm-1'",
    );
    expect(jobs[0]?.n).toBe(1);

    const redelivered = await owner.client.post(
      `/v1/repositories/${repo.id}/deliveries/${first.body.deliveryId}/redeliver`,
      {},
    );
    expect(redelivered.status).toBe(202);
    const after = await eventually(deliveries, (items) =>
      items.some(
        (d: { id: string; attempts: number }) => d.id === first.body.deliveryId && d.attempts === 2,
      ),
    );
    expect(after.find((d: { id: string }) => d.id === first.body.deliveryId)).toMatchObject({
      status: 'processed',
      summary: { inserted: 0 },
    });
    expect(await count()).toBe(1);
  });

  it('a forced push and a branch deletion are recorded as such', async () => {
    const forced = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'push',
      pushEvent({
        forced: true,
        before: sha(1),
        after: sha(300),
        commits: [{ id: sha(300), message: 'feat: rewritten' }],
      }),
    );
    const deleted = await deliver(
      h.server.baseUrl,
      repo.id,
      secret,
      'push',
      pushEvent({
        ref: 'refs/heads/feature/x',
        deleted: true,
        before: sha(149),
        after: '0'.repeat(40),
        commits: [],
      }),
    );
    await processed(forced.body.deliveryId);
    const items = await processed(deleted.body.deliveryId);
    expect(
      items.find((d: { id: string }) => d.id === forced.body.deliveryId).summary,
    ).toMatchObject({ forced: true, inserted: 1 });
    expect(
      items.find((d: { id: string }) => d.id === deleted.body.deliveryId).summary,
    ).toMatchObject({
      deleted: true,
      branch: 'feature/x',
      commits: 0,
    });
  });

  it('a payload that is not JSON fails its delivery, with the reason', async () => {
    const broken = await deliver(h.server.baseUrl, repo.id, secret, 'push', null, {
      raw: Buffer.from('{"ref": '),
    });
    expect(broken.status).toBe(202);
    const items = await processed(broken.body.deliveryId);
    expect(items.find((d: { id: string }) => d.id === broken.body.deliveryId)).toMatchObject({
      status: 'failed',
      error: 'the payload is not valid JSON',
    });
  });

  it('pages through every delivery once, newest first', async () => {
    const all = (await owner.client.get(`/v1/repositories/${repo.id}/deliveries?limit=200`)).body
      .items;
    const seen: string[] = [];
    let cursor = '';
    for (let page = 0; page < 100; page++) {
      const reply = await owner.client.get(
        `/v1/repositories/${repo.id}/deliveries?limit=3${cursor}`,
      );
      seen.push(...reply.body.items.map((d: { id: string }) => d.id));
      if (!reply.body.nextCursor) break;
      cursor = `&cursor=${reply.body.nextCursor}`;
    }
    expect(all.length).toBeGreaterThan(6);
    expect(seen).toEqual(all.map((d: { id: string }) => d.id));
    const times = all.map((d: { receivedAt: string }) => Date.parse(d.receivedAt));
    expect([...times].sort((x, y) => y - x)).toEqual(times);
    const forged = Buffer.from(JSON.stringify({ after: 'not a time', id: 'x' })).toString(
      'base64url',
    );
    expect(
      (await owner.client.get(`/v1/repositories/${repo.id}/deliveries?cursor=${forged}`)).status,
    ).toBe(400);
  });
});
