import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, mailerFor } from '@devctx/shared';
import { type MailServer, startMailServer } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountedSecrets } from '../deploy/functions.ts';
import { mountedSecretFiles, podEnvironment } from '../deploy/gke.ts';
import { grants } from '../deploy/iam.ts';
import { type DeployInputs, deployInputs } from '../deploy/inputs.ts';
import { bootstrapPlan } from '../deploy/plan.ts';
import { runPlan } from '../deploy/run-plan.ts';
import { render, simInputs } from './support.ts';

// The mail relay as the deploy sets it up (infra/mail/relay.yaml): rendered, then run — the
// settings a worker and the GKE pod get are loaded by the product's own config loader, and
// its SMTP driver sends a mail with them to a real SMTP server that wants the login.
const SECRET = 'devctx-smtp-password';
const password = 'relay-password-from-the-operator';
let relay: MailServer;
let inputs: DeployInputs;
let ca: string;

beforeAll(async () => {
  relay = await startMailServer({ account: { user: 'apikey', password } });
  inputs = deployInputs.parse({ ...simInputs, smtpUrl: relay.url, smtpUser: 'apikey' });
  // The stand-in for the public certificate authority a real relay's certificate chains to.
  ca = path.join(await mkdtemp(path.join(tmpdir(), 'devctx-relay-')), 'ca.pem');
  await writeFile(ca, relay.ca);
});
afterAll(() => relay?.close());

const sendWith = async (env: Record<string, string>, to: string) => {
  const config = loadConfig({ ...env, SMTP_CA_FILE: ca, METADATA_SERVER_DETECTION: 'none' });
  await (await mailerFor(config)).send({ to, subject: 'Hello', text: 'Hi', html: '<p>Hi</p>' });
  return relay.received.find(
    (m) => m.subject === 'Hello' && m.to && JSON.stringify(m.to).includes(to),
  );
};

describe('the mail relay, when the deploy names one', () => {
  it('gives the functions that run jobs its settings and password, and they send through it', async () => {
    const r = render(inputs);
    const senders = r.functions.filter((f) => f.env.MAIL_DRIVER === 'smtp').map((f) => f.name);
    expect(senders.sort()).toEqual(['api', 'worker']);
    const worker = r.functions.find((f) => f.name === 'worker');
    if (!worker) throw new Error('no worker');
    expect(mountedSecrets(worker).SMTP_PASSWORD).toBe(SECRET);
    expect(worker.env.MAIL_FROM).toBe('Dev Context <no-reply@devctx.example>');
    // Links in the mail lead to the public host.
    expect(worker.env.APP_URL).toBe('https://api.devctx.example');
    // Cloud Run mounts the secret as SMTP_PASSWORD.
    const mail = await sendWith({ ...worker.env, SMTP_PASSWORD: password }, 'ada@example.com');
    expect(mail?.from?.text).toContain('no-reply@devctx.example');
    expect(relay.logins).toContain('apikey');
  });

  it('gives the GKE pod the same, its password as a mounted file', async () => {
    const r = render(inputs);
    const env = podEnvironment(r.gke);
    expect(env.MAIL_DRIVER).toBe('smtp');
    const file = path.basename(env.SMTP_PASSWORD_FILE ?? '');
    expect(mountedSecretFiles(r.gke)[file]).toBe(SECRET);
    // The CSI driver's mount, here a folder of ours holding every secret file.
    const mount = await mkdtemp(path.join(tmpdir(), 'devctx-csi-'));
    for (const name of Object.keys(mountedSecretFiles(r.gke)))
      await writeFile(path.join(mount, name), name === file ? `${password}\n` : 'x\n');
    const mounted = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, v.replace('/var/secrets/devctx', mount)]),
    );
    const mail = await sendWith(mounted, 'grace@example.com');
    expect(mail).toBeDefined();
  });

  it('lets exactly the workloads that mount the password read it', () => {
    const r = render(inputs);
    const readers = grants(r.functions, r.gke, inputs)
      .filter((g) => g.on.kind === 'secret' && g.on.name === SECRET)
      .map((g) => g.why)
      .sort();
    expect(readers).toEqual(
      ['GKE api', 'function api', 'function worker'].map((w) => `${w} reads ${SECRET}`),
    );
  });

  it('keeps the password the operator gives in a secret at bootstrap, never printing it', () => {
    const r = render(inputs);
    const made: { args: string[]; stdin?: string }[] = [];
    runPlan(bootstrapPlan(r), {
      exec: (_tool, args, options) => {
        made.push({ args, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
        const asks = args.includes('describe') || args.includes('versions');
        return { status: asks ? 1 : 0, stdout: '', stderr: '' };
      },
      log: () => {},
      operatorEnv: { SMTP_PASSWORD: password },
    });
    const create = made.find((c) => c.args.slice(0, 3).join(' ') === `secrets create ${SECRET}`);
    expect(create?.stdin).toBe(password);

    const printed: string[] = [];
    runPlan(bootstrapPlan(r), { dryRun: true, log: (line) => printed.push(line) });
    expect(printed.join('\n')).toContain('<$SMTP_PASSWORD>');
    expect(printed.join('\n')).not.toContain(password);

    expect(() =>
      runPlan(bootstrapPlan(r), {
        exec: (_tool, args) => ({
          status: args.includes('describe') ? 1 : 0,
          stdout: '',
          stderr: '',
        }),
        log: () => {},
        operatorEnv: {},
      }),
    ).toThrow('Set SMTP_PASSWORD in the environment first.');
  });

  it('refuses a relay without a login, and a login or sender without a relay', () => {
    expect(
      deployInputs.safeParse({ ...simInputs, smtpUrl: 'smtp://relay.example:587' }).success,
    ).toBe(false);
    expect(deployInputs.safeParse({ ...simInputs, smtpUser: 'apikey' }).success).toBe(false);
    expect(
      deployInputs.safeParse({ ...simInputs, smtpUrl: 'http://relay.example', smtpUser: 'a' })
        .success,
    ).toBe(false);
  });
});

describe('without a relay', () => {
  it('sets no mail settings and mounts no relay password anywhere', () => {
    const r = render(simInputs);
    for (const f of r.functions) {
      expect(f.env.MAIL_DRIVER, f.name).toBeUndefined();
      expect(Object.values(mountedSecrets(f)), f.name).not.toContain(SECRET);
    }
    expect(podEnvironment(r.gke).MAIL_DRIVER).toBeUndefined();
    expect(Object.values(mountedSecretFiles(r.gke))).not.toContain(SECRET);
    expect(bootstrapPlan(r).some((s) => s.args.includes(SECRET))).toBe(false);
  });
});
