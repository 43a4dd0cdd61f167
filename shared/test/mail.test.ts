import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config/config.ts';
import { PermanentJobError } from '../src/jobs/run-job.ts';
import { LocalMailer } from '../src/mail/local-mailer.ts';
import { mailerFor } from '../src/mail/mailer-for.ts';
import { SmtpMailer } from '../src/mail/smtp-mailer.ts';
import { composeMail } from '../src/mail/templates.ts';
import { type MailServer, startMailServer } from './support/index.ts';

const message = composeMail({
  to: 'grace@acme.example',
  subject: 'Join <Acme> on',
  intro: ['Ada invited you to Acme & co.'],
  action: { label: 'Accept the invitation', url: 'https://app.example/#/invitation/inv_x?y=1&z=2' },
  outro: ['It lapses in 7 days.'],
});

const database = { DATABASE_URL: 'postgres://devctx_app@127.0.0.1:5432/devctx' };
let server: MailServer | undefined;
afterEach(() => server?.close());

describe('e-mail', () => {
  it('composes one message as text and escaped HTML, with no link but its action', () => {
    expect(message.subject).toBe('Join <Acme> on — Dev Context');
    expect(message.text).toContain(
      'Accept the invitation: https://app.example/#/invitation/inv_x?y=1&z=2',
    );
    expect(message.html).toContain('Acme &amp; co.');
    expect(message.html).toContain('href="https://app.example/#/invitation/inv_x?y=1&amp;z=2"');
    expect(message.html).not.toMatch(/<img|<script/);
    expect(message.html.match(/href=/g)).toHaveLength(1);
  });

  it('sends through an SMTP relay over STARTTLS, logged in', async () => {
    server = await startMailServer({ account: { user: 'relay', password: 'relay-secret' } });
    const mailer = new SmtpMailer({
      url: server.url,
      from: 'Dev Context <no-reply@acme.example>',
      user: 'relay',
      password: 'relay-secret',
      requireTls: true,
      ca: server.ca,
    });
    await mailer.send(message);
    mailer.close();
    const [mail] = server.received;
    expect(server.logins).toEqual(['relay']);
    expect(mail?.subject).toBe('Join <Acme> on — Dev Context');
    expect(mail?.from?.value).toEqual([{ name: 'Dev Context', address: 'no-reply@acme.example' }]);
    expect(mail?.text).toContain('https://app.example/#/invitation/inv_x?y=1&z=2');
    expect(mail?.html).toContain('Acme &amp; co.');
  });

  it('refuses a relay without STARTTLS, and an untrusted certificate', async () => {
    server = await startMailServer({ starttls: false });
    const plain = new SmtpMailer({ url: server.url, from: 'x@acme.example', requireTls: true });
    await expect(plain.send(message)).rejects.toThrow();
    plain.close();
    await server.close();
    server = await startMailServer();
    const untrusted = new SmtpMailer({ url: server.url, from: 'x@acme.example', requireTls: true });
    await expect(untrusted.send(message)).rejects.toThrow(/certificate/);
    untrusted.close();
    expect(server.received).toEqual([]);
  });

  it('a recipient or login the relay refuses ends the mail for good, saying why; a relay away is retried', async () => {
    server = await startMailServer({ refuse: ['nobody@acme.example'] });
    const mailer = new SmtpMailer({
      url: server.url,
      from: 'x@acme.example',
      requireTls: true,
      ca: server.ca,
    });
    const refused = mailer.send({ ...message, to: 'nobody@acme.example' });
    await expect(refused).rejects.toBeInstanceOf(PermanentJobError);
    await expect(refused).rejects.toThrow(
      'The mail server refused the message to nobody@acme.example (550).',
    );
    mailer.close();
    const away = new SmtpMailer({
      url: 'smtp://127.0.0.1:9',
      from: 'x@acme.example',
      requireTls: true,
    });
    const failed = await away.send(message).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(failed).not.toBeInstanceOf(PermanentJobError);
    away.close();
  });

  it('on a laptop: writes each message as an .eml file and prints its link', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-mail-'));
    const printed: string[] = [];
    await new LocalMailer(dir, 'Dev Context <no-reply@localhost>', (line) =>
      printed.push(line),
    ).send(message);
    const [file = ''] = await readdir(dir);
    const eml = await readFile(path.join(dir, file), 'utf8');
    expect(eml).toContain('To: grace@acme.example');
    expect(eml).toContain('Content-Type: text/html');
    expect(printed.join('\n')).toContain('https://app.example/#/invitation/inv_x?y=1&z=2');
  });

  it('in production without a relay, a mail fails for good, saying why, rather than vanish', async () => {
    const config = loadConfig({ ...database, NODE_ENV: 'test' });
    const production = { ...config, NODE_ENV: 'production' as const };
    await expect((await mailerFor(production)).send(message)).rejects.toThrow(
      /E-mail is not configured on this server/,
    );
    await expect((await mailerFor(production)).send(message)).rejects.toBeInstanceOf(
      PermanentJobError,
    );
  });

  it('checks its settings at start-up', () => {
    expect(() => loadConfig({ ...database, MAIL_DRIVER: 'smtp' })).toThrow(ConfigError);
    expect(() =>
      loadConfig({
        ...database,
        MAIL_DRIVER: 'smtp',
        SMTP_URL: 'smtp://user:pw@relay.example:587',
      }),
    ).toThrow(/without credentials/);
    expect(() =>
      loadConfig({ ...database, MAIL_DRIVER: 'smtp', SMTP_URL: 'http://relay.example' }),
    ).toThrow(ConfigError);
    expect(
      loadConfig({ ...database, MAIL_DRIVER: 'smtp', SMTP_URL: 'smtps://relay.example:465' })
        .SMTP_REQUIRE_TLS,
    ).toBe(true);
  });
});
