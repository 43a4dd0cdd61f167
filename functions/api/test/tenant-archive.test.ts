import { gunzipSync, gzipSync } from 'node:zlib';
import { addUser, type SignedUp, signup } from '@devctx/identity/testing';
import { adminQuery, Client, eventually, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { buildTenantWorld, type World } from './support/world.ts';

// A tenant's whole data out as one archive and into a new tenant: the same rows, by count
// and by each table's content digest, read back through the new tenant's own export.
let api: ApiServer;
let anonymous: Client;
let a: SignedUp;
let world: World;
let exported: { id: string; counts: Record<string, number>; digests: Record<string, string> };
let archive: Buffer;

const finished = (client: Client, path: string) =>
  eventually(
    () => client.get(path),
    (r) => r.status !== 200 || r.body.status !== 'queued',
    30_000,
  );
const download = (client: Client, id: string) =>
  fetch(`${api.baseUrl}/v1/tenant/exports/${id}/archive`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
const upload = (client: Client, body: Buffer, type = 'application/gzip') =>
  fetch(`${api.baseUrl}/v1/tenant/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': type },
    body,
  });
/** A new tenant whose owner has the address of A's owner (as the person moving would). */
const freshTenant = async (label: string, email = a.user.email) => {
  const slug = `${label}-${Date.now().toString(36)}`;
  const reply = await anonymous.post('/v1/auth/signup', {
    tenant: { name: `${label} Inc`, slug },
    user: { email, password: 'the new place passphrase', name: 'Mover' },
  });
  expect(reply.status).toBe(201);
  return {
    slug,
    client: anonymous.as(reply.body.accessToken),
    userId: reply.body.user.id as string,
  };
};
/** Imports and waits; the import replaces the signed-in owner, who signs in again. */
const importInto = async (target: Awaited<ReturnType<typeof freshTenant>>, body: Buffer) => {
  const started = await upload(target.client, body);
  expect(started.status).toBe(202);
  const { id } = (await started.json()) as { id: string };
  const polled = await finished(target.client, `/v1/tenant/imports/${id}`);
  if (polled.status === 200 && polled.body.status === 'failed')
    return { reply: polled, client: target.client };
  // Succeeded: the owner's sign-in went with the replaced user (the poll may have seen the
  // import done just before its sign-in was gone).
  expect([200, 401]).toContain(polled.status);
  // The import is a job: this instance hears of the replaced user by NOTIFY, a moment after
  // its commit, and forgets the cached sign-in then (never later than AUTH_CACHE_SECONDS).
  const me = await eventually(
    async () => (await target.client.get('/v1/me')).status,
    (status) => status === 401,
    5_000,
  );
  expect(me).toBe(401);
  const login = await anonymous.post('/v1/auth/login', {
    tenant: target.slug,
    email: a.user.email,
    password: 'the new place passphrase',
  });
  expect(login.status).toBe(200);
  const client = anonymous.as(login.body.accessToken);
  return { reply: await client.get(`/v1/tenant/imports/${id}`), client };
};

beforeAll(async () => {
  api = await startApiServer();
  anonymous = new Client(api.baseUrl);
  a = await signup(anonymous, 'archive-a');
  await setTenantTier(api.database.adminUrl, a.tenant.id, 'pro');
  const member = await addUser(a, 'member', 'Mia');
  world = await buildTenantWorld(a, member.user.id, api.database.adminUrl);
  // A task tree: a child must arrive after its parent.
  const project = (await a.client.get('/v1/projects')).body.items[0];
  await a.client.post(`/v1/projects/${project.id}/task-lists`, {
    name: 'Nested',
    markdown: '- [ ] parent\n  - [x] child\n    - [ ] grandchild\n',
  });
});
afterAll(() => api.close());

describe('tenant export', () => {
  it('builds the whole tenant as one archive, for owners only', async () => {
    const member = await addUser(a, 'admin', 'Adam');
    expect((await member.client.post('/v1/tenant/exports')).status).toBe(403);
    const started = await a.client.post('/v1/tenant/exports');
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('queued');
    const done = await finished(a.client, `/v1/tenant/exports/${started.body.id}`);
    expect(done.body).toMatchObject({ status: 'succeeded', error: null });
    exported = done.body;
    for (const table of [
      'users',
      'roles',
      'projects',
      'task_lists',
      'tasks',
      'task_dependencies',
      'task_comments',
      'repositories',
      'commits',
      'ai_sessions',
      'conversations',
      'messages',
      'message_bodies',
      'teams',
      'team_members',
      'project_plans',
      'audit_log',
    ])
      expect(exported.counts[table], table).toBeGreaterThan(0);
    expect(exported.counts.users).toBe(3);
    expect(new Date(done.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await a.client.get('/v1/tenant/exports')).body.items[0].id).toBe(exported.id);
  });

  it('downloads it: every row, nothing secret', async () => {
    const reply = await download(a.client, exported.id);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/gzip');
    expect(reply.headers.get('content-disposition')).toMatch(
      /^attachment; filename="devctx-export-/,
    );
    archive = Buffer.from(await reply.arrayBuffer());
    const lines = gunzipSync(archive).toString('utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      format: 'devctx-tenant-archive',
      version: 1,
    });
    const rows = Object.values(exported.counts).reduce((s, n) => s + n, 0);
    expect(lines).toHaveLength(rows + 2);
    const text = lines.join('\n');
    for (const secret of world.secrets.filter((s) => s !== a.tenant.id))
      expect(text).toContain(secret);
    // The tenant's own id only where its audit log names the tenant: rows carry none.
    expect(lines.filter((l) => l.includes(a.tenant.id) && !l.startsWith('audit_log\t'))).toEqual(
      [],
    );
    for (const leak of [
      'password_hash',
      '$argon2id$',
      'webhook_secret',
      'github_token',
      'token_hash',
      'secret_hash',
    ])
      expect(text).not.toContain(leak);
    const audit = (await a.client.get('/v1/audit-log?limit=5')).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toContain('tenant.export_downloaded');
  });

  it('is another tenant’s to see or download by no one else', async () => {
    const b = await signup(anonymous, 'archive-b');
    expect((await b.client.get(`/v1/tenant/exports/${exported.id}`)).status).toBe(404);
    expect((await download(b.client, exported.id)).status).toBe(404);
    expect((await b.client.get('/v1/tenant/exports')).body.items).toEqual([]);
    const viewer = await addUser(a, 'viewer', 'Vera');
    expect((await download(viewer.client, exported.id)).status).toBe(403);
  });

  it('builds one archive for requests racing each other; the others are told', async () => {
    const racer = await signup(anonymous, 'archive-race');
    const replies = await Promise.all(
      Array.from({ length: 8 }, () => racer.client.post('/v1/tenant/exports')),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 202)).toEqual(Array(7).fill(409));
    const [started] = replies.filter((r) => r.status === 202);
    await finished(racer.client, `/v1/tenant/exports/${started?.body.id}`);
    expect((await racer.client.get('/v1/tenant/exports')).body.items).toHaveLength(1);
  });

  it('answers 410 once its day has passed', async () => {
    await adminQuery(
      api.database.adminUrl,
      `update tenant_exports set expires_at = now() - interval '1 minute' where id = $1`,
      [exported.id],
    );
    const reply = await download(a.client, exported.id);
    expect(reply.status).toBe(410);
    await adminQuery(
      api.database.adminUrl,
      `update tenant_exports set expires_at = now() + interval '1 day' where id = $1`,
      [exported.id],
    );
  });
});

describe('importing an archive into a new tenant', () => {
  it('reproduces every table: the same counts and content digests', async () => {
    const c = await freshTenant('archive-c');
    const { reply, client } = await importInto(c, archive);
    expect(reply.body.error).toBeNull();
    expect(reply.body).toMatchObject({ status: 'succeeded', error: null });
    // The new tenant's own export holds what A's held.
    const again = await client.post('/v1/tenant/exports');
    const done = await finished(client, `/v1/tenant/exports/${again.body.id}`);
    expect(done.body.status).toBe('succeeded');
    const { audit_log: _a, ...counts } = exported.counts;
    const { audit_log: _b, ...digests } = exported.digests;
    expect(done.body.counts).toMatchObject(counts);
    expect(done.body.digests).toMatchObject(digests);
    // And the product shows it: the owner's project, sessions, search and people.
    expect(
      (await client.get('/v1/projects')).body.items.map((p: { slug: string }) => p.slug),
    ).toContain('sweep-a');
    const found = await client.get('/v1/search/messages?q=SECRET-OF-A');
    expect(found.body.items.length).toBeGreaterThan(0);
    const me = await client.get('/v1/me');
    expect(me.body.user.id).toBe(a.user.id);
    expect(me.body.permissions).toContain('tenant:own');
  });

  it('refuses a tenant with data of its own, a file that is not gzip, and a changed archive', async () => {
    expect((await upload(a.client, archive)).status).toBe(409);
    const d = await freshTenant('archive-d');
    expect((await upload(d.client, Buffer.from('{"format":"x"}'))).status).toBe(400);
    expect((await upload(d.client, archive, 'application/json')).status).toBe(415);
    // One import at a time.
    const [pending] = await adminQuery(
      api.database.adminUrl,
      `insert into tenant_imports (tenant_id, requested_by, storage_key, bytes)
       select tenant_id, id, 'imports/tenant-pending.ndjson.gz', 1 from users where id = $1 returning id`,
      [d.userId],
    );
    expect((await upload(d.client, archive)).status).toBe(409);
    await adminQuery(api.database.adminUrl, 'delete from tenant_imports where id = $1', [
      pending?.id,
    ]);
    // One word of one message changed: the digests catch it, and nothing is kept.
    const edited = gzipSync(
      gunzipSync(archive).toString('utf8').replace('SECRET-OF-A message', 'SECRET-OF-A massage'),
    );
    const { reply, client } = await importInto(d, edited);
    expect(reply.body.status).toBe('failed');
    expect(reply.body.error).toMatch(/checksum/);
    expect((await client.get('/v1/projects')).body.items).toEqual([]);
    expect((await client.get('/v1/me')).status).toBe(200);
  });

  it('refuses texts whose size is not theirs: storage is counted from it', async () => {
    // An archive anyone can edit (and recompute its digests): a size of 0 would store
    // texts past the tier's storage limit, a negative one would even lower the count.
    const edited = editRows(archive, 'message_bodies', (line) =>
      line.replace(/"byte_size": \d+/, '"byte_size": 0'),
    );
    const f = await freshTenant('archive-f');
    const { reply, client } = await importInto(f, edited);
    expect(reply.body.status).toBe('failed');
    // Refused for the size itself, before the digests are compared (which an editor redoes).
    expect(reply.body.error).toMatch(/message_bodies.*byte_size/);
    expect((await client.get('/v1/tenant/usage')).body.messages.used).toBe(0);
  });

  it('refuses a time without end, which no cursor could page past', async () => {
    const edited = editRows(archive, 'message_bodies', (line) =>
      line.replace(/"created_at": "[^"]+"/, '"created_at": "infinity"'),
    );
    const g = await freshTenant('archive-g');
    const { reply, client } = await importInto(g, edited);
    expect(reply.body.status).toBe('failed');
    expect(reply.body.error).toMatch(/message_bodies.*infinity/);
    expect((await client.get('/v1/tenant/usage')).body.messages.used).toBe(0);
  });

  it('lets only one of the archive’s owners import it', async () => {
    const e = await freshTenant('archive-e', 'stranger@archive-e.example');
    const started = await upload(e.client, archive);
    const { id } = (await started.json()) as { id: string };
    const reply = await finished(e.client, `/v1/tenant/imports/${id}`);
    expect(reply.body.status).toBe('failed');
    expect(reply.body.error).toContain('no owner with your address');
    expect((await e.client.get('/v1/users')).body.items).toHaveLength(1);
  });
});

/** The archive with every row of `table` edited by `edit` (its digests left as they were). */
function editRows(archive: Buffer, table: string, edit: (line: string) => string) {
  const lines = gunzipSync(archive).toString('utf8').split('\n');
  return gzipSync(
    lines.map((line) => (line.startsWith(`${table}\t`) ? edit(line) : line)).join('\n'),
  );
}
