import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { adminQuery, eventually, startMailServer } from '@devctx/shared/testing';
import type { ParsedMail } from 'mailparser';
import { expect } from 'vitest';
import { type IdentityHarness, startIdentity } from './support.ts';

/**
 * The identity server mailing through a real SMTP server in the test process (STARTTLS on
 * a self-signed certificate the server is told to trust), and how a test reads its mail.
 */
export async function startIdentityWithMail(writeLog?: (line: string) => void) {
  const smtp = await startMailServer();
  const ca = path.join(tmpdir(), `devctx-smtp-ca-${process.pid}-${Date.now()}.pem`);
  await writeFile(ca, smtp.ca);
  const h: IdentityHarness = await startIdentity(
    {
      TASKS_POLL_MS: '50',
      MAIL_DRIVER: 'smtp',
      SMTP_URL: smtp.url,
      SMTP_CA_FILE: ca,
      MAIL_FROM: 'Dev Context <no-reply@devctx.test>',
      APP_URL: 'https://app.devctx.test/',
      LOG_LEVEL: writeLog ? 'info' : 'silent',
    },
    [],
    [],
    writeLog,
  );
  /** Mails to an address, received so far, whose subject starts so. */
  const mailsTo = (address: string, subject = '') =>
    smtp.received.filter(
      (m) => m.to && 'text' in m.to && m.to.text === address && m.subject?.startsWith(subject),
    );
  return {
    h,
    smtp,
    mailsTo,
    /** The count-th mail to an address (waiting for it), whose subject starts so. */
    async mailTo(address: string, count: number, subject = ''): Promise<ParsedMail> {
      const mails = await eventually(
        async () => mailsTo(address, subject),
        (found) => found.length >= count,
      );
      expect(mails).toHaveLength(count);
      // A mail leaves from inside its job's transaction (so a failed send is retried), and
      // its link's token commits a moment later. A person never clicks that fast; a test
      // does (a verification link answered 404 in CI): wait for the mail jobs to finish.
      await eventually(
        () =>
          adminQuery<{ n: number }>(
            h.database.adminUrl,
            `select count(*)::int as n from jobs
              where kind like '%-mail' and state in ('pending', 'dispatched', 'running')`,
          ),
        (rows) => rows[0]?.n === 0,
      );
      return mails[count - 1] as ParsedMail;
    },
    async close() {
      await h.close();
      await smtp.close();
    },
  };
}

/** The token of a mail's link to a dashboard route (#/invitation/…, #/reset-password/…). */
export const tokenIn = (mail: ParsedMail, route: string) =>
  decodeURIComponent(new RegExp(`#/${route}/([^\\s"]+)`).exec(mail.text ?? '')?.[1] ?? '');
