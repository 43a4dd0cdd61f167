import { adminQuery, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityWithMail, tokenIn } from './mail-support.ts';
import { addUser, type IdentityHarness, PASSWORD, type SignedUp, signup } from './support.ts';

// E-mail verification through a real SMTP server: a link on signup, on accepting an
// invitation and on a change of address; a tenant rule that lets only verified members write.
let mail: Awaited<ReturnType<typeof startIdentityWithMail>>;
let h: IdentityHarness;
let owner: SignedUp;
beforeAll(async () => {
  mail = await startIdentityWithMail();
  h = mail.h;
  owner = await signup(h.anonymous, 'verify');
  await setTenantTier(h.database.adminUrl, owner.tenant.id, 'pro');
});
afterAll(() => mail.close());

const SUBJECT = 'Verify your e-mail address';
const linkTo = async (address: string, count: number) =>
  tokenIn(await mail.mailTo(address, count, SUBJECT), 'verify-email');
const verify = (token: string) => h.anonymous.post('/v1/auth/verify-email', { token });

describe('e-mail verification', () => {
  it('mails a link at signup that verifies the address once', async () => {
    const me = await owner.client.get('/v1/me');
    expect(me.body.user.emailVerified).toBe(false);
    const received = await mail.mailTo(owner.user.email, 1, SUBJECT);
    expect(received.text).toContain('https://app.devctx.test/#/verify-email/emv_');
    const token = tokenIn(received, 'verify-email');
    const verified = await verify(token);
    expect(verified.status).toBe(200);
    expect(verified.body.emailVerified).toBe(true);
    expect((await owner.client.get('/v1/me')).body.user.emailVerified).toBe(true);
    const again = await verify(token);
    expect(again.status).toBe(404);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect((await verify('emv_not-a-token')).status).toBe(404);
    // A verified address needs no new link.
    expect((await owner.client.post('/v1/me/email-verification', {})).status).toBe(409);
  });

  it('lets a tenant withhold writes from unverified members, who still read, until they verify', async () => {
    const admin = await addUser(owner, 'admin', 'Ada');
    const viewer = await addUser(owner, 'viewer', 'Vic');
    const key = await admin.client.post('/v1/api-keys', {
      name: 'ci',
      permissions: ['teams:manage', 'teams:read'],
    });
    expect(key.status).toBe(201);
    const machine = h.anonymous.as(key.body.secret);
    // Only owners set the tenant's rules: not a viewer, not an admin.
    expect((await viewer.client.patch('/v1/tenant', { requireVerifiedEmail: true })).status).toBe(
      403,
    );
    expect((await admin.client.patch('/v1/tenant', { requireVerifiedEmail: true })).status).toBe(
      403,
    );
    // An unverified owner may not turn on a rule that would bind themselves.
    const second = await addUser(owner, 'owner', 'Otto');
    expect((await second.client.patch('/v1/tenant', { requireVerifiedEmail: true })).status).toBe(
      409,
    );
    const set = await owner.client.patch('/v1/tenant', { requireVerifiedEmail: true });
    expect(set.status).toBe(200);
    expect(set.body.requireVerifiedEmail).toBe(true);

    const me = await admin.client.get('/v1/me');
    expect(me.body.writesWithheld).toBe('email_unverified');
    expect(me.body.permissions).toContain('teams:read');
    expect(me.body.permissions).not.toContain('teams:manage');
    expect((await admin.client.get('/v1/teams')).status).toBe(200);
    const refused = await admin.client.post('/v1/teams', { name: 'Unverified team' });
    expect(refused.status).toBe(403);
    expect(refused.body.type).toContain('email-unverified');
    expect(refused.body.detail).toContain('/v1/me/email-verification');
    // Their API keys too (made before the rule): a key never holds more than its user.
    expect((await machine.post('/v1/teams', { name: 'By key' })).status).toBe(403);
    expect((await machine.post('/v1/teams', { name: 'By key' })).status).toBe(403);

    expect((await verify(await linkTo(admin.user.email, 1))).status).toBe(200);
    expect((await admin.client.post('/v1/teams', { name: 'Verified team' })).status).toBe(201);
    expect((await machine.post('/v1/teams', { name: 'By key' })).status).toBe(201);
    expect((await admin.client.get('/v1/me')).body.writesWithheld).toBeNull();
    // An unverified owner stays an owner: reads, and what only owners do (the rule itself).
    const otto = await second.client.get('/v1/me');
    expect(otto.body.writesWithheld).toBe('email_unverified');
    expect(otto.body.permissions).toContain('tenant:own');
    expect(otto.body.permissions).not.toContain('teams:manage');

    // Turned off, the rule holds nothing back.
    await owner.client.patch('/v1/tenant', { requireVerifiedEmail: false });
    expect((await viewer.client.get('/v1/me')).body.writesWithheld).toBeNull();
  });

  it('changes an address only with the password, unverified, and kills links to the old one', async () => {
    const member = await addUser(owner, 'admin', 'Max');
    const oldLink = await linkTo(member.user.email, 1);
    const wrong = await member.client.post('/v1/me/email', {
      email: 'max@new.example',
      password: 'nope',
    });
    expect(wrong.status).toBe(400);
    const taken = await member.client.post('/v1/me/email', {
      email: owner.user.email,
      password: PASSWORD,
    });
    expect(taken.status).toBe(409);
    const changed = await member.client.post('/v1/me/email', {
      email: 'Max@New.example',
      password: PASSWORD,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'max@new.example', emailVerified: false });
    expect((await verify(oldLink)).status).toBe(404);
    const newLink = await linkTo('max@new.example', 1);
    expect((await verify(newLink)).body).toMatchObject({
      email: 'max@new.example',
      emailVerified: true,
    });
    const audit = (await owner.client.get('/v1/audit-log?limit=50')).body.items;
    const entry = audit.find((e: { action: string }) => e.action === 'user.email_changed');
    expect(entry.targetId).toBe(member.user.id);
    // The log keeps that it changed, not the addresses.
    expect(JSON.stringify(entry)).not.toContain('new.example');
  });

  it('refuses an expired link, and more than five new links an hour', async () => {
    const member = await addUser(owner, 'viewer', 'Eve');
    const link = await linkTo(member.user.email, 1);
    await adminQuery(
      h.database.adminUrl,
      `update email_verifications set expires_at = now() - interval '1 second' where user_id = $1`,
      [member.user.id],
    );
    expect((await verify(link)).status).toBe(404);
    const answers: number[] = [];
    for (let i = 0; i < 6; i++)
      answers.push((await member.client.post('/v1/me/email-verification', {})).status);
    expect(answers).toEqual([202, 202, 202, 202, 202, 429]);
  });

  it('verifies nothing in another tenant with a link of this one', async () => {
    const other = await signup(h.anonymous, 'verify-other');
    const link = await linkTo(other.user.email, 1);
    // The tenant in the token chooses where it is looked up; another tenant's id finds nothing.
    const forged = link.replace(/^emv_[\da-f]{32}/, `emv_${owner.tenant.id.replaceAll('-', '')}`);
    expect((await verify(forged)).status).toBe(404);
    expect((await other.client.get('/v1/me')).body.user.emailVerified).toBe(false);
    expect((await verify(link)).status).toBe(200);
  });
});
