import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage } from './mailer.ts';

/**
 * A laptop's mail: each message written as an .eml file to a folder (open it in any mail
 * program), and its first link printed on the console, so `npm start` needs no mail
 * server. Never used in production (the configuration refuses it there).
 */
export class LocalMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({ streamTransport: true, buffer: true });

  private readonly dir: string;
  private readonly from: string;
  private readonly print: (line: string) => void;

  constructor(
    dir: string,
    from: string,
    print: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.dir = dir;
    this.from = from;
    this.print = print;
  }

  async send(message: MailMessage): Promise<void> {
    const { message: raw } = (await this.transport.sendMail({ from: this.from, ...message })) as {
      message: Buffer;
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const name = `${new Date().toISOString().replaceAll(':', '-')}-${randomBytes(3).toString('hex')}.eml`;
    const file = path.join(this.dir, name);
    await writeFile(file, raw, { mode: 0o600 });
    const link = /https?:\/\/\S+/.exec(message.text)?.[0];
    this.print(
      `mail to ${message.to}: ${JSON.stringify(message.subject)} (${file})${link ? `\n  ${link}` : ''}`,
    );
  }
}
