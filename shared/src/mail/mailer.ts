/** One e-mail: plain text and HTML bodies of the same message, to one address. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/**
 * Sends e-mail. Drivers: SMTP (a production relay), and a local folder for a laptop.
 * Called only from background jobs, after the change that causes the mail has committed:
 * a failure is retried by the job, never lost with the request.
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
