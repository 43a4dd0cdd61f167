import type { SignedUp } from '@devctx/identity/testing';
import { adminQuery, eventually } from '@devctx/shared/testing';
import { expect } from 'vitest';

const MARK = 'SECRET-OF-A';
const sha = `${'a'.repeat(39)}1`;

export interface World {
  /** Values only tenant A's data contains: none may appear in a response to tenant B. */
  secrets: string[];
  idFor(path: string, parameter: string): string;
  /** Bodies the schema alone cannot make valid (they name other resources). */
  bodyOverride(method: string, path: string): unknown;
  expectIntact(): Promise<void>;
}

/** Tenant A with data in every resource family, through the public API. */
export async function buildTenantWorld(
  a: SignedUp,
  memberId: string,
  adminUrl: string,
): Promise<World> {
  const c = a.client;
  // biome-ignore lint/suspicious/noExplicitAny: the test client's replies are untyped JSON, as in every test.
  const ok = async (reply: Promise<{ status: number; body: any }>) => {
    const r = await reply;
    if (r.status >= 300)
      throw new Error(`setting up tenant A: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const project = await ok(c.post('/v1/projects', { slug: 'sweep-a', name: `${MARK} project` }));
  await ok(
    c.post(`/v1/projects/${project.id}/plans`, {
      markdown: `## Phase 1: ${MARK}\n- [ ] plan item\n`,
    }),
  );
  const list = await ok(
    c.post(`/v1/projects/${project.id}/task-lists`, {
      name: `${MARK} list`,
      markdown: `- [ ] ${MARK} one\n- [ ] ${MARK} two\n`,
    }),
  );
  const [task, other] = (await ok(c.get(`/v1/task-lists/${list.id}/tasks`))).items;
  await ok(c.post(`/v1/tasks/${task.id}/dependencies`, { dependsOnId: other.id }));
  await ok(c.post(`/v1/tasks/${task.id}/comments`, { body: `${MARK} comment` }));
  const session = await ok(
    c.post('/v1/sessions', { tool: 'claude-code', title: `${MARK} session` }),
  );
  const conversation = await ok(
    c.post(`/v1/sessions/${session.id}/conversations`, { title: `${MARK} talk` }),
  );
  await ok(
    c.post(`/v1/conversations/${conversation.id}/messages`, {
      messages: [{ role: 'user', content: `${MARK} message` }],
    }),
  );
  const upload = await ok(
    c.post('/v1/imports', {
      kind: 'claude-code',
      transcript: JSON.stringify({
        type: 'user',
        sessionId: 'import-a',
        uuid: 'u1',
        message: { role: 'user', content: `${MARK} import` },
      }),
    }),
  );
  const repository = await ok(
    c.post('/v1/repositories', { provider: 'github', fullName: 'sweep/secret-of-a' }),
  );
  await ok(
    c.post(`/v1/repositories/${repository.id}/sync`, {
      gitLog: `\x1e${sha}\x1fA\x1fa@sweep.example\x1f2026-11-01T00:00:00Z\x1f${MARK} commit\x1f\n`,
    }),
  );
  const team = await ok(c.post('/v1/teams', { name: `${MARK} team` }));
  await ok(c.post(`/v1/teams/${team.id}/members`, { userId: memberId }));
  const role = await ok(
    c.post('/v1/roles', {
      name: 'sweep-role',
      description: `${MARK} role`,
      permissions: ['projects:read'],
    }),
  );
  await ok(c.post(`/v1/users/${memberId}/roles`, { roleId: role.id }));
  const key = await ok(
    c.post('/v1/api-keys', { name: `${MARK} key`, permissions: ['profile:read'] }),
  );
  // An export, built; and an import that failed (A is no new tenant: its record is made here).
  const archive = await ok(c.post('/v1/tenant/exports'));
  await eventually(
    () => c.get(`/v1/tenant/exports/${archive.id}`),
    (r) => r.body.status !== 'queued',
  );
  const [archiveImport] = await adminQuery(
    adminUrl,
    `insert into tenant_imports (tenant_id, status, requested_by, storage_key, bytes, error, finished_at)
     values ($1, 'failed', $2, 'imports/tenant-sweep.ndjson.gz', 10, $3, now()) returning id`,
    [a.tenant.id, a.user.id, `${MARK}: the archive is cut short`],
  );
  const jobs = await ok(c.get('/v1/jobs?limit=1'));
  const delivery = await ok(c.get(`/v1/repositories/${repository.id}/deliveries`));

  const byFamily: Record<string, string> = {
    users: memberId,
    roles: role.id,
    teams: team.id,
    'api-keys': key.apiKey.id,
    jobs: jobs.items[0]?.id ?? upload.id,
    projects: project.id,
    'task-lists': list.id,
    tasks: task.id,
    sessions: session.id,
    conversations: conversation.id,
    imports: upload.id,
    repositories: repository.id,
  };
  const byPath: Record<string, string> = {
    '/v1/tenant/exports/{id}': archive.id,
    '/v1/tenant/exports/{id}/archive': archive.id,
    '/v1/tenant/imports/{id}': archiveImport?.id,
  };
  const secrets = [
    MARK,
    project.id,
    list.id,
    task.id,
    session.id,
    conversation.id,
    repository.id,
    team.id,
    role.id,
    archive.id,
    sha,
    a.tenant.id,
  ];
  return {
    secrets,
    idFor(path, parameter) {
      if (parameter === 'id')
        return byPath[path] ?? byFamily[path.split('/')[2] as string] ?? 'unmapped';
      const named: Record<string, string> = {
        version: '1',
        dependsOnId: other.id,
        userId: memberId,
        roleId: role.id,
        sha,
        deliveryId: delivery.items[0]?.id ?? '00000000-0000-4000-8000-00000000000d',
      };
      return named[parameter] ?? 'unmapped';
    },
    bodyOverride(method, path) {
      if (method === 'POST' && path === '/v1/tasks/{id}/dependencies')
        return { dependsOnId: other.id };
      if (method === 'POST' && path === '/v1/teams/{id}/members') return { userId: memberId };
      if (method === 'POST' && path === '/v1/users/{id}/roles') return { roleId: role.id };
      if (method === 'POST' && path === '/v1/tasks/{id}/assign') return { userId: memberId };
      if (method === 'POST' && path === '/v1/api-keys')
        return { name: 'sweep', permissions: ['profile:read'] };
      return undefined;
    },
    async expectIntact() {
      expect((await c.get(`/v1/projects/${project.id}`)).body.name).toBe(`${MARK} project`);
      expect((await c.get(`/v1/tasks/${task.id}`)).body.title).toBe(`${MARK} one`);
      expect((await c.get(`/v1/sessions/${session.id}`)).body.title).toBe(`${MARK} session`);
      expect(
        (await c.get(`/v1/conversations/${conversation.id}/messages`)).body.items,
      ).toHaveLength(1);
      expect((await c.get(`/v1/repositories/${repository.id}/commits`)).body.items).toHaveLength(1);
      expect((await c.get(`/v1/teams/${team.id}/members`)).body.items).toHaveLength(1);
      expect((await c.get(`/v1/roles/${role.id}`)).body.description).toBe(`${MARK} role`);
      expect((await c.get('/v1/api-keys')).body.items.map((k: { id: string }) => k.id)).toContain(
        key.apiKey.id,
      );
    },
  };
}
