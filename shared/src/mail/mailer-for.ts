import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.ts';
import { PermanentJobError } from '../jobs/run-job.ts';
import type { Mailer } from './mailer.ts';

const mailers = new WeakMap<Config, Promise<Mailer>>();

/**
 * The mailer these (validated) settings name, made once per process. The drivers (and
 * nodemailer) load on the first mail, not at start: most processes never send one.
 */
export function mailerFor(config: Config): Promise<Mailer> {
  // A container's disk is no mailbox: in production an unconfigured mailer fails the mail's
  // job for good (dead, with this reason, in the jobs view) instead of losing it quietly.
  if (config.NODE_ENV === 'production' && config.MAIL_DRIVER === 'local')
    return Promise.resolve({
      send: async () => {
        throw new PermanentJobError(
          'E-mail is not configured on this server (MAIL_DRIVER=local in production).',
        );
      },
    });
  let mailer = mailers.get(config);
  if (!mailer) {
    mailer = makeMailer(config);
    mailers.set(config, mailer);
  }
  return mailer;
}

async function makeMailer(config: Config): Promise<Mailer> {
  if (config.MAIL_DRIVER === 'smtp') {
    const { SmtpMailer } = await import('./smtp-mailer.ts');
    return new SmtpMailer({
      url: config.SMTP_URL as string,
      from: config.MAIL_FROM,
      user: config.SMTP_USER,
      password: config.SMTP_PASSWORD,
      requireTls: config.SMTP_REQUIRE_TLS,
      ca: config.SMTP_CA_FILE ? readFileSync(config.SMTP_CA_FILE, 'utf8') : undefined,
    });
  }
  const { LocalMailer } = await import('./local-mailer.ts');
  return new LocalMailer(
    config.MAIL_LOCAL_DIR,
    config.MAIL_FROM,
    // A laptop's console shows each link; a test run's stays quiet.
    config.NODE_ENV === 'test' ? () => undefined : undefined,
  );
}
