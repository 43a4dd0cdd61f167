import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startRepositories } from './support.ts';

let h: Awaited<ReturnType<typeof startRepositories>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startRepositories();
  owner = await signup(h.anonymous, 'repos');
});
afterAll(() => h.close());

describe('repositories', () => {
  it('connect shows the webhook secret once; it is stored encrypted and never shown again', async () => {
    const created = await owner.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'acme/api',
      url: 'https://github.com/acme/api',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const secret: string = created.body.webhookSecret;
    expect(secret).toMatch(/^whsec_[\w-]{43}$/);
    expect(created.body).toMatchObject({
      provider: 'github',
      fullName: 'acme/api',
      defaultBranch: 'main',
      webhook: { url: `/v1/webhooks/github/${created.body.id}`, rejectedDeliveries: 0 },
    });

    const read = await owner.client.get(`/v1/repositories/${created.body.id}`);
    const list = await owner.client.get('/v1/repositories');
    for (const reply of [read, list]) expect(JSON.stringify(reply.body)).not.toContain(secret);
    expect(read.body).not.toHaveProperty('webhookSecret');

    // At rest: an AES-GCM envelope, not the secret in any encoding.
    const [row] = await adminQuery(
      h.database.adminUrl,
      'select webhook_secret from repositories where id = $1',
      [created.body.id],
    );
    const stored = row?.webhook_secret as Buffer;
    expect(stored.length).toBe(1 + 12 + 16 + secret.length);
    expect(stored.includes(Buffer.from(secret))).toBe(false);
    expect(stored.toString('hex')).not.toContain(Buffer.from(secret).toString('hex'));

    const rotated = await owner.client.post(
      `/v1/repositories/${created.body.id}/webhook-secret`,
      {},
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhookSecret).not.toBe(secret);
    const graceEnds = Date.parse(rotated.body.webhook.previousSecretValidUntil);
    expect(graceEnds - Date.now()).toBeGreaterThan(23 * 3600_000);
  });

  it('refuse a second connection of the same repository, unknown projects and bad input', async () => {
    await owner.client.post('/v1/repositories', { provider: 'gitlab', fullName: 'acme/dupe' });
    const again = await owner.client.post('/v1/repositories', {
      provider: 'gitlab',
      fullName: 'ACME/dupe',
    });
    expect(again.status).toBe(409);
    const project = await owner.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'acme/x',
      projectId: '00000000-0000-4000-8000-000000000000',
    });
    expect(project.status).toBe(400);
    expect(project.body.errors[0].path).toBe('body.projectId');
    const bad = await owner.client.post('/v1/repositories', { provider: 'svn', fullName: 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('change settings, link a project, disconnect', async () => {
    const project = (
      await owner.client.post('/v1/projects', { slug: 'repo-link', name: 'Repo link' })
    ).body;
    const repo = (
      await owner.client.post('/v1/repositories', { provider: 'generic', fullName: 'self/hosted' })
    ).body;
    const patched = await owner.client.patch(`/v1/repositories/${repo.id}`, {
      projectId: project.id,
      defaultBranch: 'trunk',
      syncEnabled: true,
      syncIntervalMinutes: 30,
      githubToken: 'github_pat_11AAAAAAA0selfhostedXyZ9',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      projectId: project.id,
      defaultBranch: 'trunk',
      sync: { enabled: true, intervalMinutes: 30, githubToken: { endsWith: 'XyZ9' } },
    });
    // The token itself is never shown, and the change is audited.
    expect(JSON.stringify(patched.body)).not.toContain('selfhosted');
    const log = await owner.client.get('/v1/audit-log?action=repository.github_token_set');
    expect(log.body.items).toHaveLength(1);
    const removed = await owner.client.patch(`/v1/repositories/${repo.id}`, { githubToken: null });
    expect(removed.body.sync.githubToken).toBeNull();
    expect(
      (await owner.client.get(`/v1/repositories?projectId=${project.id}`)).body.items,
    ).toHaveLength(1);
    expect((await owner.client.delete(`/v1/repositories/${repo.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/repositories/${repo.id}`)).status).toBe(404);
  });

  it('count against the tier: the free tier connects 3', async () => {
    const small = await signup(h.anonymous, 'repos-quota');
    for (const name of ['a/1', 'a/2', 'a/3']) {
      expect(
        (await small.client.post('/v1/repositories', { provider: 'github', fullName: name }))
          .status,
      ).toBe(201);
    }
    const fourth = await small.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'a/4',
    });
    expect(fourth.status).toBe(403);
    expect(fourth.body.code).toBe('quota_exceeded');
    expect((await small.client.get('/v1/tenant/usage')).body).toMatchObject({
      repositories: { used: 3, limit: 3 },
    });
  });
});
