import { gunzipSync } from 'node:zlib';
import { type SignedUp, signup } from '@devctx/identity/testing';
import { adminQuery, Client, eventually, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';

// Erasure of a person, proven from the catalogue: after it, no text column of any table
// that holds tenant rows names them — not their records, not the team's messages, tasks,
// commits or audit log — while the team's work stays, attributed to a pseudonym.
let api: ApiServer;
let anonymous: Client;
let a: SignedUp;
const PASSWORD = 'ada’s own passphrase';
const ada = { name: 'Ada Lovelace', email: 'ada.lovelace@erase.example' };
/** Ada, by name or either of her addresses (not jo + her address: someone else's). */
const HER = /(?<![a-z.])lovelace|ada@old/i;
let adaId: string;
let adaClient: Client;
let adaKey: string;
let sessionId: string;
let taskId: string;
let exportId: string;

/** Every row of the tenant, in any table with a tenant_id, whose text names the person. */
async function traces(tenantId: string): Promise<string[]> {
  const columns = await adminQuery<{ tab: string; col: string; type: string }>(
    api.database.adminUrl,
    `select c.relname as tab, a.attname as col, t.typname as type
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute k where k.attrelid = c.oid and k.attname = 'tenant_id')
        and t.typname in ('text', 'varchar', '_text', 'jsonb', 'bytea', 'tsvector')`,
  );
  expect(columns.length).toBeGreaterThan(40);
  // One statement over every column: a connection per column took seconds under CI's load.
  const counts = columns.map(({ tab, col, type }) => {
    // JSON is read value by value (its text form escapes what a name may hold); bytes as text.
    const values =
      type === 'jsonb'
        ? `(select string_agg(v #>> '{}', chr(10)) from jsonb_path_query("${col}", 'strict $.**') v where jsonb_typeof(v) = 'string')`
        : type === 'bytea'
          ? `utf8_or_escaped("${col}")`
          : `"${col}"::text`;
    const value = `coalesce(${values}, '')`;
    return `select '${tab}.${col}' as name, count(*) as n from "${tab}"
             where tenant_id = $1 and (${value} ~* $2 or ${value} ~* $3 or ${value} ~* $4)`;
  });
  const rows = await adminQuery<{ name: string; n: string }>(
    api.database.adminUrl,
    counts.join(' union all '),
    [
      tenantId,
      '(?<![a-z.])ada\\.lovelace@erase\\.example',
      'ada lovelace|ada@old',
      '(?<![a-z.])lovelace',
    ],
  );
  return rows.filter((row) => Number(row.n)).map((row) => `${row.name}: ${row.n}`);
}

beforeAll(async () => {
  api = await startApiServer();
  anonymous = new Client(api.baseUrl);
  a = await signup(anonymous, 'erase');
  await setTenantTier(api.database.adminUrl, a.tenant.id, 'pro');
  const invited = await a.client.post('/v1/users', ada);
  const accepted = await anonymous.post('/v1/invitations/accept', {
    token: invited.body.invitation.token,
    password: PASSWORD,
  });
  adaId = accepted.body.user.id;
  // Ada proved her address (and, before a change, an earlier one) by the mailed links.
  await adminQuery(
    api.database.adminUrl,
    `update users set email_verified_at = now() where id = $1;`,
    [adaId],
  );
  await adminQuery(
    api.database.adminUrl,
    `insert into email_verifications (tenant_id, user_id, email, token_hash, expires_at, used_at)
     values ($1, $2, 'ada@old.example', '\\x01', now(), now())`,
    [a.tenant.id, adaId],
  );
  adaClient = anonymous.as(accepted.body.accessToken);
  adaKey = (
    await adaClient.post('/v1/api-keys', {
      name: 'Ada Lovelace laptop',
      permissions: ['profile:read'],
    })
  ).body.secret;

  // Ada's work, and the team's words about her, in every family.
  const session = await adaClient.post('/v1/sessions', {
    tool: 'claude-code',
    title: 'Ada Lovelace: the parser',
  });
  sessionId = session.body.id;
  const talk = await adaClient.post(`/v1/sessions/${sessionId}/conversations`, { title: 'Parser' });
  await adaClient.post(`/v1/conversations/${talk.body.id}/messages`, {
    messages: [
      { role: 'user', content: `Mail ${ada.email} when the parser works. Thanks, Ada Lovelace!` },
      {
        role: 'assistant',
        content: 'The parser works: every case passes.',
        toolCalls: [
          { name: 'mail', input: { to: `cc:\n${ada.email}`, text: 'Owner:\nAda Lovelace' } },
        ],
      },
    ],
  });
  const project = await a.client.post('/v1/projects', { slug: 'engine', name: 'Engine' });
  const list = await a.client.post(`/v1/projects/${project.body.id}/task-lists`, {
    name: 'Work',
    markdown: '- [ ] Review the parser with Ada Lovelace\n',
  });
  taskId = (await a.client.get(`/v1/task-lists/${list.body.id}/tasks`)).body.items[0].id;
  // A title at its length limit naming her: the longer pseudonym must still fit.
  const crowded = await a.client.post(`/v1/task-lists/${list.body.id}/tasks`, {
    title: `${ada.email} `.repeat(36).trim(),
  });
  expect(crowded.status).toBe(201);
  await adaClient.post(`/v1/tasks/${taskId}/comments`, { body: 'Done — Ada' });
  const repository = await a.client.post('/v1/repositories', {
    provider: 'github',
    fullName: 'acme/engine',
  });
  const sha = `${'b'.repeat(39)}2`;
  await a.client.post(`/v1/repositories/${repository.body.id}/sync`, {
    gitLog: `\x1e${sha}\x1fAda Lovelace\x1f${ada.email}\x1f2026-11-01T00:00:00Z\x1fParse everything\x1f\n\x1e${'c'.repeat(39)}3\x1fA. L.\x1fada@old.example\x1f2026-10-01T00:00:00Z\x1fOlder work\x1f\n\x1e${'d'.repeat(39)}4\x1fJo Ann\x1fjo${ada.email}\x1f2026-10-02T00:00:00Z\x1fNot hers\x1f\n`,
  });
  await anonymous.post('/v1/auth/password-reset', { tenant: a.tenant.slug, email: ada.email });
  const archive = await a.client.post('/v1/tenant/exports');
  exportId = archive.body.id;
  await eventually(
    () => a.client.get(`/v1/tenant/exports/${exportId}`),
    (r) => r.body.status !== 'queued',
  );
  expect(await traces(a.tenant.id)).not.toEqual([]);
});
afterAll(() => api.close());

describe('erasing a person', () => {
  it('is for owners, or the person with their password', async () => {
    const other = await signup(anonymous, 'erase-other');
    expect((await other.client.post(`/v1/users/${adaId}/erase`, {})).status).toBe(404);
    expect((await adaClient.post(`/v1/users/${a.user.id}/erase`, {})).status).toBe(403);
    expect((await adaClient.post(`/v1/users/${adaId}/erase`, {})).status).toBe(400);
    expect((await adaClient.post(`/v1/users/${adaId}/erase`, { password: 'wrong' })).status).toBe(
      400,
    );
    // Other names are the owner's to give (a person could name any word of the team's texts).
    const withNames = await adaClient.post(`/v1/users/${adaId}/erase`, {
      password: PASSWORD,
      alsoNames: ['parser'],
    });
    expect(withNames.status).toBe(403);
    // The last owner stays.
    const erasedOwner = await a.client.post(`/v1/users/${a.user.id}/erase`, {
      password: 'correct horse battery staple',
    });
    expect(erasedOwner.status).toBe(409);
  });

  it('leaves no trace of them in any table, and the team’s work in place', async () => {
    const erased = await a.client.post(`/v1/users/${adaId}/erase`, { alsoNames: ['Ada'] });
    expect(erased.status).toBe(200);
    expect(erased.body.user).toMatchObject({ status: 'deactivated' });
    expect(erased.body.user.name).toMatch(/^Erased user [\da-f]{8}$/);
    expect(erased.body.replaced).toMatchObject({
      commits: 2,
      'message texts': 1,
      // The tool call with her name after a line break.
      messages: 1,
      tasks: 2,
      ai_sessions: 1,
    });
    // Only hers: an address that merely ends like hers is someone else's.
    const notHers = await adminQuery(
      api.database.adminUrl,
      `select author_email from commits where tenant_id = $1 and subject = 'Not hers'`,
      [a.tenant.id],
    );
    expect(notHers).toEqual([{ author_email: `jo${ada.email}` }]);
    expect(await traces(a.tenant.id)).toEqual([]);

    // Their sign-ins and keys are gone; they cannot sign in.
    expect((await adaClient.get('/v1/me')).status).toBe(401);
    expect((await anonymous.as(adaKey).get('/v1/me')).status).toBe(401);
    // The work stays, under the pseudonym.
    const session = await a.client.get(`/v1/sessions/${sessionId}`);
    expect(session.status).toBe(200);
    expect(session.body.title).toBe(`${erased.body.user.name}: the parser`);
    const task = await a.client.get(`/v1/tasks/${taskId}`);
    expect(task.body.title).toBe(`Review the parser with ${erased.body.user.name}`);
    const found = await a.client.get('/v1/search/messages?q=parser');
    expect(found.body.items.length).toBe(2);
    expect(JSON.stringify(found.body)).not.toMatch(HER);
    expect((await a.client.get('/v1/search/messages?q=Lovelace')).body.items).toEqual([]);

    // The log says an erasure happened, and nothing of what was erased.
    const audit = await a.client.get('/v1/audit-log?limit=100');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('user.erased');
    expect(JSON.stringify(audit.body)).not.toMatch(HER);

    // The archive made before holds them: it is gone; a new one does not.
    const old = await fetch(`${api.baseUrl}/v1/tenant/exports/${exportId}/archive`, {
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    expect(old.status).toBe(410);
    expect(((await old.json()) as { detail: string }).detail).toContain('a person was erased');
    const listed = await a.client.get(`/v1/tenant/exports/${exportId}`);
    expect(listed.body.error).toContain('a person was erased');
    // The other names the owner gave went too: "Done — Ada" names her.
    const comments = await a.client.get(`/v1/tasks/${taskId}/comments`);
    expect(JSON.stringify(comments.body)).not.toMatch(/\bAda\b/);
    const fresh = await a.client.post('/v1/tenant/exports');
    await eventually(
      () => a.client.get(`/v1/tenant/exports/${fresh.body.id}`),
      (r) => r.body.status !== 'queued',
    );
    const archive = await fetch(`${api.baseUrl}/v1/tenant/exports/${fresh.body.id}/archive`, {
      headers: { authorization: `Bearer ${a.accessToken}` },
    });
    const text = gunzipSync(Buffer.from(await archive.arrayBuffer())).toString('utf8');
    expect(text).toContain(erased.body.user.name);
    expect(text).not.toMatch(HER);

    // (Last: a failed sign-in is audited with the address typed — new data, after the erasure.)
    const login = await anonymous.post('/v1/auth/login', {
      tenant: a.tenant.slug,
      email: ada.email,
      password: PASSWORD,
    });
    expect(login.status).toBe(401);
  });

  it('never rewrites what is not prose, whatever the name; and a person erasing themselves leaves the team’s texts alone', async () => {
    // A person named like a machine word: the audit log's actions and the roles stay.
    const invited = await a.client.post('/v1/users', { email: 'p@erase.example', name: 'project' });
    const projectUser = invited.body.user.id;
    const bob = await a.client.post('/v1/users', { email: 'bob@erase.example', name: 'Bob Stone' });
    const bobSignedIn = await anonymous.post('/v1/invitations/accept', {
      token: bob.body.invitation.token,
      password: PASSWORD,
    });
    const bobClient = anonymous.as(bobSignedIn.body.accessToken);
    const actionsBefore = (
      await adminQuery(
        api.database.adminUrl,
        'select distinct action from audit_log where tenant_id = $1 order by 1',
        [a.tenant.id],
      )
    ).map((r) => r.action);
    expect((await a.client.request('POST', `/v1/users/${projectUser}/erase`)).status).toBe(200);
    const actionsAfter = (
      await adminQuery(
        api.database.adminUrl,
        "select distinct action from audit_log where tenant_id = $1 and action <> 'user.erased' order by 1",
        [a.tenant.id],
      )
    ).map((r) => r.action);
    expect(actionsAfter).toEqual(actionsBefore.filter((x) => x !== 'user.erased'));
    expect(actionsAfter).toContain('project.created');
    const roles = await a.client.get('/v1/roles?limit=50');
    expect(JSON.stringify(roles.body)).toContain('projects:write');

    // Bob erases himself: his record and keys go; the team's texts keep his name.
    const project = (await a.client.get('/v1/projects')).body.items[0];
    await a.client.post(`/v1/projects/${project.id}/task-lists`, {
      name: 'Bob',
      markdown: '- [ ] Pair with Bob Stone on the project\n',
    });
    const self = await bobClient.post(`/v1/users/${bobSignedIn.body.user.id}/erase`, {
      password: PASSWORD,
    });
    expect(self.status).toBe(200);
    expect(self.body.user.name).toMatch(/^Erased user /);
    expect((await bobClient.get('/v1/me')).status).toBe(401);
    const tasks = await adminQuery(
      api.database.adminUrl,
      "select title from tasks where tenant_id = $1 and title like 'Pair with%'",
      [a.tenant.id],
    );
    expect(tasks).toEqual([{ title: 'Pair with Bob Stone on the project' }]);
  });

  it('erases once however many ask at once, never brings an erased person back, and counts only addresses proven', async () => {
    // Cy typed a stranger's address once (never verified it), then moved on.
    const cy = await a.client.post('/v1/users', { email: 'cy@erase.example', name: 'Cy Young' });
    const cySignedIn = await anonymous.post('/v1/invitations/accept', {
      token: cy.body.invitation.token,
      password: PASSWORD,
    });
    const cyClient = anonymous.as(cySignedIn.body.accessToken);
    const cyId = cySignedIn.body.user.id;
    for (const email of ['stranger@elsewhere.example', 'cy.new@erase.example'])
      expect((await cyClient.post('/v1/me/email', { email, password: PASSWORD })).status).toBe(200);
    await a.client.post('/v1/projects', {
      slug: 'contacts',
      name: 'Contacts',
      description: 'Write to stranger@elsewhere.example',
    });

    const replies = await Promise.all(
      Array.from({ length: 6 }, () => a.client.post(`/v1/users/${cyId}/erase`, {})),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const audit = await a.client.get('/v1/audit-log?limit=100');
    expect(
      audit.body.items.filter(
        (e: { action: string; targetId: string }) =>
          e.action === 'user.erased' && e.targetId === cyId,
      ),
    ).toHaveLength(1);
    // Typed, never proven: someone else's address stays where others wrote it.
    const contacts = (await a.client.get('/v1/projects')).body.items.find(
      (p: { slug: string }) => p.slug === 'contacts',
    );
    expect(contacts.description).toBe('Write to stranger@elsewhere.example');
    // And an erased person is not reactivated.
    expect((await a.client.post(`/v1/users/${cyId}/reactivate`)).status).toBe(409);
    // Their token, still valid a moment ago, writes nothing back.
    expect((await cyClient.patch('/v1/me', { name: 'Cy Young' })).status).toBe(401);
  });
});
