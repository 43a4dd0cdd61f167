import nodemailer, { type Transporter } from 'nodemailer';
import { PermanentJobError } from '../jobs/run-job.ts';
import type { Mailer, MailMessage } from './mailer.ts';

export interface SmtpSettings {
  /** smtp://host:port (STARTTLS) or smtps://host:port (TLS from the start). */
  url: string;
  from: string;
  user?: string | undefined;
  password?: string | undefined;
  /** Refuse a relay that does not offer STARTTLS (smtp:// only). */
  requireTls: boolean;
  /** Extra certificate authorities (PEM), for a relay with a private CA. */
  ca?: string | undefined;
}

/** A production relay over SMTP (nodemailer), always encrypted unless told otherwise. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly from: string;

  constructor(settings: SmtpSettings) {
    const url = new URL(settings.url);
    const secure = url.protocol === 'smtps:';
    this.from = settings.from;
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: Number(url.port) || (secure ? 465 : 587),
      secure,
      requireTLS: !secure && settings.requireTls,
      ...(settings.user ? { auth: { user: settings.user, pass: settings.password ?? '' } } : {}),
      ...(settings.ca ? { tls: { ca: settings.ca } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /**
   * A refusal that sending again cannot change (the relay rejects the recipient or the
   * login) ends the mail's job at once, with a reason its tenant may read; anything else
   * (the relay away, a timeout) is retried.
   */
  async send(message: MailMessage): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, ...message });
    } catch (error) {
      const { responseCode, code } = error as { responseCode?: number; code?: string };
      if (code === 'EAUTH')
        throw new PermanentJobError('The mail relay refused the server’s login.');
      if (responseCode !== undefined && responseCode >= 500)
        throw new PermanentJobError(
          `The mail server refused the message to ${message.to} (${responseCode}).`,
        );
      throw error;
    }
  }

  close() {
    this.transport.close();
  }
}
