import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenIn as linkToken, startIdentityWithMail } from './mail-support.ts';
import { addUser, type IdentityHarness, PASSWORD, type SignedUp, signup } from './support.ts';

// Password reset through a real SMTP server: the same answer whether or not the address
// exists, a single-use link valid 30 minutes, every session ended, audited.
let mail: Awaited<ReturnType<typeof startIdentityWithMail>>;
let h: IdentityHarness;
let owner: SignedUp;
beforeAll(async () => {
  mail = await startIdentityWithMail();
  h = mail.h;
  owner = await signup(h.anonymous, 'reset');
});
afterAll(() => mail.close());

/** Reset mails to an address (addUser's invitation mails go there too). */
const SUBJECT = 'Choose a new password';
const mailsTo = (address: string) => mail.mailsTo(address, SUBJECT);
const mailTo = (address: string, count: number) => mail.mailTo(address, count, SUBJECT);
const tokenIn = (received: Parameters<typeof linkToken>[0]) =>
  linkToken(received, 'reset-password');
const ask = (tenant: string, email: string) =>
  h.anonymous.post('/v1/auth/password-reset', { tenant, email });
const confirm = (token: string, password: string) =>
  h.anonymous.post('/v1/auth/password-reset/confirm', { token, password });
const login = (email: string, password: string) =>
  h.anonymous.post('/v1/auth/login', { tenant: owner.tenant.slug, email, password });

describe('password reset', () => {
  it('mails a link that sets a new password once, and ends every session of the user', async () => {
    const member = await addUser(owner, 'member', 'Mia');
    const before = await member.client.get('/v1/me');
    expect(before.status).toBe(200);
    const asked = await ask(owner.tenant.slug, member.user.email);
    expect(asked.status).toBe(202);
    const received = await mailTo(member.user.email, 1);
    expect(received.subject).toBe('Choose a new password for reset Inc — Dev Context');
    expect(received.text).toContain('https://app.devctx.test/#/reset-password/pwr_');
    const token = tokenIn(received);
    expect((await confirm(token, 'a brand new passphrase')).status).toBe(204);
    expect((await confirm(token, 'another new passphrase')).status).toBe(404);
    expect((await member.client.get('/v1/me')).status).toBe(401);
    expect((await login(member.user.email, PASSWORD)).status).toBe(401);
    expect((await login(member.user.email, 'a brand new passphrase')).status).toBe(200);
    const audit = (await owner.client.get('/v1/audit-log?limit=20')).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(expect.arrayContaining(['password.reset_requested', 'password.reset']));
  });

  it('answers an unknown address, an unknown tenant and a deactivated user exactly as a real one, and mails none of them', async () => {
    const real = await addUser(owner, 'member', 'Ria');
    const gone = await addUser(owner, 'member', 'Gus');
    await owner.client.delete(`/v1/users/${gone.user.id}`);
    const answers = [
      await ask(owner.tenant.slug, real.user.email),
      await ask(owner.tenant.slug, 'nobody@reset.example'),
      await ask('no-such-tenant', real.user.email),
      await ask(owner.tenant.slug, gone.user.email),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual(answers[0]?.body);
    }
    await mailTo(real.user.email, 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsTo('nobody@reset.example')).toEqual([]);
    expect(mailsTo(gone.user.email)).toEqual([]);
  });

  it('does the same work for an address nobody has as for a real one, so it takes as long', async () => {
    const real = await addUser(owner, 'member', 'Tim');
    const jobs = async () =>
      Number(
        (
          await adminQuery<{ n: string }>(
            h.database.adminUrl,
            `select count(*) as n from jobs where kind = 'identity.password-reset-mail'`,
          )
        )[0]?.n,
      );
    // The same statements either way: each request queues exactly one job.
    const before = await jobs();
    await ask(owner.tenant.slug, real.user.email);
    await ask(owner.tenant.slug, 'nobody-else@reset.example');
    expect(await jobs()).toBe(before + 2);
    // And so the same time: pairs taken in turn (both see the same load), medians compared.
    const times: Record<'known' | 'unknown', number[]> = { known: [], unknown: [] };
    // Four pairs: with the request above, the real address stays within its 5 an hour.
    for (let n = 0; n < 4; n++)
      for (const [kind, email] of [
        ['known', real.user.email],
        ['unknown', `nobody-${n}@reset.example`],
      ] as const) {
        const started = performance.now();
        expect((await ask(owner.tenant.slug, email)).status).toBe(202);
        times[kind].push(performance.now() - started);
      }
    const median = (values: number[]) => values.sort((a, b) => a - b)[2] as number;
    const [known, unknown] = [median(times.known), median(times.unknown)];
    // Mailing or hashing in the request would add a difference far beyond this.
    expect(Math.abs(known - unknown)).toBeLessThan(Math.max(50, known, unknown));
  });

  it('a link lapses after 30 minutes, and a newer request retires the older link', async () => {
    const member = await addUser(owner, 'member', 'Lex');
    await ask(owner.tenant.slug, member.user.email);
    const first = tokenIn(await mailTo(member.user.email, 1));
    await ask(owner.tenant.slug, member.user.email);
    const second = tokenIn(await mailTo(member.user.email, 2));
    expect((await confirm(first, 'a brand new passphrase')).status).toBe(404);
    await adminQuery(
      h.database.adminUrl,
      `update password_resets set expires_at = now() - interval '1 second' where user_id = $1`,
      [member.user.id],
    );
    const expired = await confirm(second, 'a brand new passphrase');
    expect(expired.status).toBe(404);
    expect(expired.body.detail).toBe('The link does not exist, expired or was already used.');
    expect((await confirm('pwr_garbage', 'a brand new passphrase')).status).toBe(404);
  });

  it('limits requests per address (429, the same for any address)', async () => {
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++)
      statuses.push((await ask(owner.tenant.slug, 'flood@reset.example')).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429]);
  });
});
