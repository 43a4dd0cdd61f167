import { adminQuery, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenIn as linkToken, startIdentityWithMail } from './mail-support.ts';
import { addUser, type IdentityHarness, PASSWORD, type SignedUp, signup } from './support.ts';

// Invitations by e-mail, through a real SMTP server (STARTTLS) in the test process: the
// mail arrives with a link whose token accepts; resend and revoke; the token is in no URL
// path, no log and no outbox row.
let mail: Awaited<ReturnType<typeof startIdentityWithMail>>;
let h: IdentityHarness;
let owner: SignedUp;
const logLines: string[] = [];
beforeAll(async () => {
  mail = await startIdentityWithMail((line) => logLines.push(line));
  h = mail.h;
  owner = await signup(h.anonymous, 'mail');
  await setTenantTier(h.database.adminUrl, owner.tenant.id, 'pro'); // room for more than 5 users
});
afterAll(() => mail.close());

const mailsTo = (address: string) => mail.mailsTo(address);
const nextMailTo = (address: string, count: number) => mail.mailTo(address, count);
const tokenIn = (received: Parameters<typeof linkToken>[0]) => linkToken(received, 'invitation');
const accept = (token: string) =>
  h.anonymous.post('/v1/invitations/accept', { token, password: PASSWORD });

describe('invitations by e-mail', () => {
  it('the invitee gets a mail whose link (token in the fragment) accepts, once', async () => {
    const invited = await owner.client.post('/v1/users', {
      email: 'grace@mail.example',
      name: 'Grace',
    });
    expect(invited.status).toBe(201);
    const received = await nextMailTo('grace@mail.example', 1);
    expect(received.from?.value).toEqual([
      { name: 'Dev Context', address: 'no-reply@devctx.test' },
    ]);
    expect(received.subject).toBe('Owner invited you to mail Inc — Dev Context');
    expect(received.text).toContain('Hello Grace,');
    expect(received.text).toMatch(/https:\/\/app\.devctx\.test\/#\/invitation\/inv_/);
    expect(received.html).toContain('href="https://app.devctx.test/#/invitation/inv_');
    const token = tokenIn(received);
    expect((await accept(token)).status).toBe(200);
    expect((await accept(token)).status).toBe(404);
  });

  it('resend mails a fresh link and the old one stops working; revoke stops the link, frees the seat and the address', async () => {
    const invited = await owner.client.post('/v1/users', {
      email: 'lin@mail.example',
      name: 'Lin',
    });
    const first = tokenIn(await nextMailTo('lin@mail.example', 1));
    const resent = await owner.client.post(`/v1/users/${invited.body.user.id}/invitation`, {});
    expect(resent.status).toBe(200);
    expect(resent.body.expiresAt).toEqual(expect.any(String));
    expect(resent.body).not.toHaveProperty('token');
    const second = tokenIn(await nextMailTo('lin@mail.example', 2));
    expect(second).not.toBe(first);
    expect((await accept(first)).status).toBe(404);

    expect((await owner.client.delete(`/v1/users/${invited.body.user.id}/invitation`)).status).toBe(
      204,
    );
    expect((await accept(second)).status).toBe(404);
    // Never active, the user goes with the invitation: the address may be invited again.
    expect((await owner.client.get(`/v1/users/${invited.body.user.id}`)).status).toBe(404);
    expect((await owner.client.delete(`/v1/users/${invited.body.user.id}/invitation`)).status).toBe(
      404,
    );
    const again = await owner.client.post('/v1/users', { email: 'lin@mail.example', name: 'Lin' });
    expect(again.status).toBe(201);
    const audit = (await owner.client.get('/v1/audit-log?limit=10')).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(['user.invitation_resent', 'user.invitation_revoked']),
    );
  });

  it('another tenant gets 404 and a member without users:invite 403, and nothing is mailed', async () => {
    const invited = await owner.client.post('/v1/users', {
      email: 'kay@mail.example',
      name: 'Kay',
    });
    await nextMailTo('kay@mail.example', 1);
    const other = await signup(h.anonymous, 'mail-other');
    const member = (await addUser(owner, 'member')).client;
    const id = invited.body.user.id;
    expect((await other.client.post(`/v1/users/${id}/invitation`, {})).status).toBe(404);
    expect((await other.client.delete(`/v1/users/${id}/invitation`)).status).toBe(404);
    expect((await member.post(`/v1/users/${id}/invitation`, {})).status).toBe(403);
    expect((await member.delete(`/v1/users/${id}/invitation`)).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo('kay@mail.example')).toHaveLength(1);
    expect((await owner.client.get(`/v1/users/${id}`)).body.status).toBe('invited');
  });

  it('one invitation is mailed at most 5 times an hour: the next resend is 429 and changes nothing', async () => {
    const invited = await owner.client.post('/v1/users', { email: 'bo@mail.example', name: 'Bo' });
    const resend = () => owner.client.post(`/v1/users/${invited.body.user.id}/invitation`, {});
    await nextMailTo('bo@mail.example', 1);
    for (let n = 2; n <= 5; n++) {
      expect((await resend()).status).toBe(200);
      await nextMailTo('bo@mail.example', n);
    }
    const refused = await resend();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // The refused resend changed nothing: the link of the last mail still works (the mails
    // may arrive in any order; exactly one of their links is live).
    const accepted = [];
    for (const received of mailsTo('bo@mail.example'))
      accepted.push((await accept(tokenIn(received))).status);
    expect(accepted.sort()).toEqual([200, 404, 404, 404, 404]);
  });

  it('a lesser role may not resend or revoke the invitation of someone who would hold more', async () => {
    const ownerRole = (await owner.client.get('/v1/roles')).body.items.find(
      (r: { name: string }) => r.name === 'owner',
    );
    const invited = await owner.client.post('/v1/users', {
      email: 'co-owner@mail.example',
      name: 'Co',
      roleIds: [ownerRole.id],
    });
    const admin = (await addUser(owner, 'admin')).client;
    const id = invited.body.user.id;
    expect((await admin.post(`/v1/users/${id}/invitation`, {})).status).toBe(403);
    expect((await admin.delete(`/v1/users/${id}/invitation`)).status).toBe(403);
    expect((await owner.client.get(`/v1/users/${id}`)).body.status).toBe('invited');
  });

  it('a name cannot start new lines, paragraphs or right-to-left text: refused, and cleaned in a mail', async () => {
    const hostile = 'Eve\r\nBcc: spy@evil.example\r\n\r\nSubject: PWNED \u202Egnp.exe';
    for (const [path, body] of [
      ['/v1/users', { email: 'target@mail.example', name: hostile }],
      [
        '/v1/auth/signup',
        {
          tenant: { name: hostile, slug: 'hostile-name' },
          user: { email: 'x@hostile.example', password: PASSWORD, name: 'X' },
        },
      ],
    ] as const) {
      const refused = await owner.client.post(path, body);
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toContain('one line of visible text');
    }
    expect((await owner.client.patch('/v1/me', { name: 'Owner \u202Eevil' })).status).toBe(400);

    // A name stored before the rule (or by hand) is cleaned where a mail shows it.
    const invited = await owner.client.post('/v1/users', {
      email: 'target@mail.example',
      name: 'Eve',
    });
    await nextMailTo('target@mail.example', 1);
    await adminQuery(h.database.adminUrl, 'update users set name = $1 where id = $2', [
      hostile,
      invited.body.user.id,
    ]);
    await owner.client.post(`/v1/users/${invited.body.user.id}/invitation`, {});
    const received = await nextMailTo('target@mail.example', 2);
    expect(received.text).toContain('Hello Eve Bcc: spy@evil.example Subject: PWNED gnp.exe,');
    expect(received.text).not.toContain('\u202E');
    expect(received.bcc).toBeUndefined();
  });

  it('one address gets at most 5 mails a day, whichever tenants send them', async () => {
    const others = [await signup(h.anonymous, 'mail-x'), await signup(h.anonymous, 'mail-y')];
    const invited = await others[0]?.client.post('/v1/users', {
      email: 'ceo+a@big.example',
      name: 'C',
    });
    for (let n = 2; n <= 5; n++)
      expect(
        (await others[0]?.client.post(`/v1/users/${invited?.body.user.id}/invitation`, {}))?.status,
      ).toBe(200);
    const refused = await others[1]?.client.post('/v1/users', {
      email: 'CEO+b@big.example',
      name: 'C',
    });
    expect(refused?.status).toBe(429);
    expect((await others[1]?.client.get('/v1/users?q=big.example'))?.body.items).toEqual([]);
  });

  it('an invite sent with an Idempotency-Key is not kept for replay: its token is shown once', async () => {
    const first = await owner.client.post(
      '/v1/users',
      { email: 'once@mail.example', name: 'Once' },
      { 'idempotency-key': 'invite-once-1' },
    );
    expect(first.status).toBe(201);
    const again = await owner.client.post(
      '/v1/users',
      { email: 'once@mail.example', name: 'Once' },
      { 'idempotency-key': 'invite-once-1' },
    );
    expect(again.status).toBe(409);
    expect(JSON.stringify(again.body)).not.toContain('inv_');
    const stored = await adminQuery<{ response_body: string | null }>(
      h.database.adminUrl,
      `select response_body from idempotency_keys`,
    );
    expect(JSON.stringify(stored)).not.toContain(first.body.invitation.token);
  });

  it('no outbox row and no log line holds a usable token', async () => {
    const rows = await adminQuery<{ payload: unknown }>(
      h.database.adminUrl,
      `select payload from jobs where kind = 'identity.invitation-mail'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    const tokens = mail.smtp.received.map(tokenIn).filter(Boolean);
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) {
      expect(JSON.stringify(rows)).not.toContain(token.slice(4));
      expect(logLines.join('\n')).not.toContain(token.slice(4));
    }
  });
});
