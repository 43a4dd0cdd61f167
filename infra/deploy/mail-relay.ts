// The SMTP relay (infra/mail/relay.yaml): which workloads send mail, with which settings,
// when the deploy's inputs name a relay.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { type DeployInputs, fillAll } from './inputs.ts';

const file = path.resolve(import.meta.dirname, '..', 'mail', 'relay.yaml');

export interface MailRelay {
  /** The functions that send mail (they run jobs). */
  functions: string[];
  /** Their extra environment, placeholders filled. */
  env: Record<string, string>;
  /** The Secret Manager secret holding the relay's password. */
  passwordSecret: string;
}

/** The relay's settings for these inputs, or undefined when they name no relay. */
export function mailRelay(inputs: DeployInputs): MailRelay | undefined {
  if (!inputs.smtpUrl) return undefined;
  const raw = parse(readFileSync(file, 'utf8')) as MailRelay;
  return { ...raw, env: fillAll(raw.env, inputs, 'infra/mail/relay.yaml') };
}
