import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface MailServer {
  /** smtp://127.0.0.1:PORT */
  url: string;
  /** The certificate the server presents (self-signed), for the client to trust. */
  ca: string;
  received: ParsedMail[];
  /** Logins the server saw (user names). */
  logins: string[];
  close(): Promise<void>;
}

/**
 * A real SMTP server in the test process (npm smtp-server), with STARTTLS on a fresh
 * self-signed certificate and, when given, one account; every message it accepts is parsed
 * (mailparser) into `received`.
 */
export async function startMailServer(
  options: {
    account?: { user: string; password: string };
    starttls?: boolean;
    /** Recipients refused with 550, as a mail server refuses a mailbox that does not exist. */
    refuse?: string[];
  } = {},
): Promise<MailServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'devctx-smtp-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
    '-days',
    '1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const received: ParsedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    key: await readFile(key),
    cert: await readFile(cert),
    disabledCommands: [
      ...(options.starttls === false ? ['STARTTLS'] : []),
      ...(options.account ? [] : ['AUTH']),
    ],
    authOptional: !options.account,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok =
        auth.username === options.account?.user && auth.password === options.account?.password;
      if (ok) logins.push(auth.username ?? '');
      callback(
        ok ? null : new Error('Invalid username or password'),
        ok ? { user: auth.username } : undefined,
      );
    },
    onRcptTo(address, _session, callback) {
      callback(
        options.refuse?.includes(address.address)
          ? Object.assign(new Error('No such mailbox'), { responseCode: 550 })
          : undefined,
      );
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    ca: await readFile(cert, 'utf8'),
    received,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
