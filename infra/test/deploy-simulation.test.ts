import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  adminQuery,
  type CreatedTask,
  cloudSqlSocket,
  type FakeGoogle,
  startFakeGoogle,
} from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Bundle, buildAll, installBundles } from '../../scripts/build.ts';
import { type FunctionSpec, mountedSecrets } from '../deploy/functions.ts';
import { podEnvironment } from '../deploy/gke.ts';
import { grants } from '../deploy/iam.ts';
import { hosts, instanceConnectionName, serviceUrl } from '../deploy/inputs.ts';
import { renderUrlMap } from '../deploy/load-balancer.ts';
import { bootstrapPlan, deployPlan, SECRETS, type Step } from '../deploy/plan.ts';
import { renderSchedules } from '../deploy/tasks-and-schedules.ts';
import {
  cloudRunFront,
  exitOf,
  LOAD_BALANCER_IP,
  loadBalancer,
  type Running,
  startBundle,
} from './simulation.ts';
import { fakeBundles, render, simInputs } from './support.ts';

// `npm run deploy:check`: the deployment as rendered, run here. Every function's bundle
// starts with exactly the environment infra/ renders for production, the migration job
// runs as the deploy defines it, and the GKE pod gets its ConfigMap. Only what Google
// serves is a stand-in: Secret Manager, Cloud Tasks and Cloud Storage (the real clients
// talk to them), the Cloud SQL socket mount, Cloud Run's IAM front and the load balancer.
const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const inputs = { ...simInputs, database: `devctx_sim_${randomBytes(6).toString('hex')}` };
const r = render(inputs);
const allGrants = grants(r.functions, r.gke, inputs);
const plan = deployPlan(r, { bundles: fakeBundles(), cluster: 'devctx', all: true });
const front = cloudRunFront(allGrants);
const adminUrl = () => inject('adminDatabaseUrl');

let google: FakeGoogle;
let socket: Awaited<ReturnType<typeof cloudSqlSocket>>;
let out: string;
let bundles: Bundle[];
const running = new Map<string, Running>();
let lb: Awaited<ReturnType<typeof loadBalancer>>;
const tasks: CreatedTask[] = [];

const secretValue = (name: string) =>
  google.secrets.get(`projects/${inputs.projectId}/secrets/${name}`)?.at(-1) ?? '';
/** The Cloud SQL socket mount, where this machine has it. */
const atSocket = (url: string) => url.replace('/cloudsql/', `${socket.root}/`);
const bundle = (name: string) => {
  const found = bundles.find((b) => b.name === name);
  if (!found) throw new Error(`no bundle ${name}`);
  return found;
};
/** The comma-separated values of a gcloud step's `--flag=a,b`. */
const flagList = (step: Step | undefined, flag: string) =>
  (step?.args.find((a): a is string => typeof a === 'string' && a.startsWith(`--${flag}=`)) ?? '')
    .slice(flag.length + 3)
    .split(',')
    .filter(Boolean);
/** The same, of NAME=value pairs, as a map. */
const flagMap = (step: Step | undefined, flag: string) =>
  Object.fromEntries(
    flagList(step, flag).map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
/** What Google would put behind a function's environment: its secrets, and the stand-ins. */
const functionEnv = (f: FunctionSpec, fake = google): Record<string, string> => ({
  ...f.env,
  DATABASE_URL: atSocket(f.env.DATABASE_URL ?? ''),
  ...Object.fromEntries(
    Object.entries(mountedSecrets(f)).map(([variable, secret]) => [
      variable,
      fake.secrets.get(`projects/${inputs.projectId}/secrets/${secret}`)?.at(-1) ?? '',
    ]),
  ),
  GOOGLE_API_EMULATOR_HOST: fake.grpcHost,
  STORAGE_EMULATOR_HOST: fake.storageUrl,
  METADATA_SERVER_DETECTION: 'none',
});
const fn = (name: string) => {
  const found = r.functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
};

beforeAll(async () => {
  google = await startFakeGoogle();
  google.onTask = (task) => tasks.push(task);
  await adminQuery(adminUrl(), `create database ${inputs.database}`);
  socket = await cloudSqlSocket(instanceConnectionName(inputs), adminUrl());

  // The bootstrap: its secrets, and the first key set written by `npm run keys:rotate`.
  const bootstrap = bootstrapPlan(r);
  const generated: Record<string, string> = {
    [SECRETS.postgresPassword]: randomBytes(24).toString('base64url'),
    [SECRETS.databasePassword]: randomBytes(24).toString('base64url'),
    [SECRETS.encryptionKey]: randomBytes(32).toString('base64'),
  };
  for (const step of bootstrap.filter((s) => s.args[0] === 'secrets' && s.args[1] === 'create')) {
    const name = step.args[2] as string;
    google.secrets.set(
      `projects/${inputs.projectId}/secrets/${name}`,
      generated[name] ? [generated[name]] : [],
    );
  }
  const rotate = bootstrap.find((s) => s.tool === 'npm' && s.args.includes('keys:rotate'));
  await run(process.execPath, ['scripts/rotate-keys.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      ...rotate?.env,
      GOOGLE_API_EMULATOR_HOST: google.grpcHost,
    },
  });

  // The queues the deploy applies.
  for (const step of plan.filter((s) => s.args[0] === 'tasks' && s.args[1] === 'queues'))
    google.queues.add(
      `projects/${inputs.projectId}/locations/${inputs.region}/queues/${step.args[3]}`,
    );

  out = await mkdtemp(path.join(tmpdir(), 'devctx-sim-'));
  bundles = await buildAll(out);
  await installBundles(bundles);

  // The migration job, as the deploy defines it.
  const job = plan.find((s) => s.args.slice(0, 4).join(' ') === 'run jobs deploy devctx-migrate');
  const env = flagMap(job, 'set-env-vars');
  const secrets = Object.fromEntries(
    Object.entries(flagMap(job, 'set-secrets')).map(([k, v]) => [
      k,
      secretValue(v.split(':')[0] ?? ''),
    ]),
  );
  await run(process.execPath, ['index.js', ...flagList(job, 'args')], {
    cwd: bundle('migrate').dir,
    env: {
      PATH: process.env.PATH ?? '',
      ...env,
      MIGRATION_DATABASE_URL: atSocket(env.MIGRATION_DATABASE_URL ?? ''),
      ...secrets,
    },
  });

  // Every function, started as Cloud Run starts it, and the load balancer in front.
  for (const f of r.functions)
    running.set(
      f.name,
      await startBundle(f.name, bundle(f.name).dir, bundle(f.name).start, functionEnv(f)),
    );
  lb = await loadBalancer(
    renderUrlMap(r.families, hosts(inputs).functions, inputs.projectId),
    new Map([...running].map(([name, fn]) => [`devctx-${name}`, fn.base])),
  );
}, 600_000);

afterAll(async () => {
  await Promise.all([...running.values()].map((fn) => fn.stop()));
  await lb?.close();
  await google?.close();
  await socket?.close();
  if (out) await rm(out, { recursive: true, force: true });
  await adminQuery(adminUrl(), `drop database if exists ${inputs.database} with (force)`);
});

const call = async (
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const response = await fetch(`${lb.base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
};
let token = '';
const auth = () => ({ authorization: `Bearer ${token}` });

describe('the deployment, simulated', () => {
  it('migrated the empty database as the job is defined, and every function is ready', async () => {
    const [{ n }] = (await adminQuery(
      `${adminUrl().replace(/\/[^/]*$/, '')}/${inputs.database}`,
      'select count(*)::int as n from migrations',
    )) as [{ n: number }];
    expect(n).toBeGreaterThan(20);
    for (const [name, f] of running)
      expect((await fetch(`${f.base}/ready`)).status, name).toBe(200);
  });

  it('serves a new tenant through the load balancer, every family with the same keys', async () => {
    const signup = await call('POST', '/v1/auth/signup', {
      tenant: { name: 'Acme', slug: 'acme-sim' },
      user: { email: 'ada@acme.example', password: 'a long enough password', name: 'Ada' },
    });
    expect(signup.status).toBe(201);
    token = signup.body.accessToken;
    for (const route of [
      '/v1/me',
      '/v1/projects',
      '/v1/sessions',
      '/v1/repositories',
      '/v1/imports',
    ])
      expect((await call('GET', route, undefined, auth())).status, route).toBe(200);
    const doc = await call('GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toContain('/v1/auth/signup');
  });

  it('counts anonymous requests per client behind the load balancer, not per load balancer', async () => {
    const remaining = async (client: string) => {
      const reply = await fetch(`${lb.base}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-sim-client': client },
        body: '{}',
      });
      return Number(/r=(\d+)/.exec(reply.headers.get('ratelimit') ?? '')?.[1]);
    };
    const first = await remaining('203.0.113.10');
    expect(await remaining('203.0.113.10')).toBe(first - 1);
    // Another client starts with its own full budget (not the load balancer's shared one).
    expect(await remaining('203.0.113.11')).toBe(first);
    expect(LOAD_BALANCER_IP).not.toBe('203.0.113.10');
  });

  it('runs an import end to end: upload to the bucket, a task to the worker through IAM, the report', async () => {
    const transcript = [
      {
        type: 'user',
        uuid: 'u1',
        sessionId: 'sim-1',
        timestamp: '2026-11-30T08:00:00Z',
        message: { role: 'user', content: 'Deploy it.' },
      },
      {
        type: 'assistant',
        uuid: 'a1',
        sessionId: 'sim-1',
        timestamp: '2026-11-30T08:00:05Z',
        message: {
          id: 'm1',
          role: 'assistant',
          model: 'claude-sim',
          content: [{ type: 'text', text: 'Deployed.' }],
        },
      },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const started = await call('POST', '/v1/imports', { kind: 'claude-code', transcript }, auth());
    expect(started.status).toBe(202);
    expect(
      [...google.objects.keys()].some((k) =>
        k.startsWith(`${inputs.projectId}-devctx-uploads/tenants/`),
      ),
    ).toBe(true);
    const task = tasks.at(-1);
    const worker = serviceUrl('worker', inputs);
    expect(task?.parent).toBe(
      `projects/${inputs.projectId}/locations/${inputs.region}/queues/imports`,
    );
    expect(task?.task.httpRequest.url.startsWith(`${worker}/tasks/`)).toBe(true);
    expect(task?.task.httpRequest.oidcToken).toEqual({
      serviceAccountEmail: fn('api').env.TASKS_SERVICE_ACCOUNT,
      audience: worker,
    });
    expect(task?.task.dispatchDeadline.seconds).toBe('900');
    // Cloud Tasks delivers it as its service account, through Cloud Run's IAM.
    const delivered = await front.deliver({
      function: 'worker',
      local: running.get('worker')?.base ?? '',
      url: task?.task.httpRequest.url ?? '',
      account: task?.task.httpRequest.oidcToken.serviceAccountEmail ?? '',
      audience: task?.task.httpRequest.oidcToken.audience ?? '',
      serviceUrl: worker,
      body: task?.task.httpRequest.body ?? '',
      headers: task?.task.httpRequest.headers ?? {},
    });
    expect(delivered).toMatchObject({ status: 200 });
    expect(JSON.parse(delivered.body).outcome).toBe('succeeded');
    const done = await call('GET', `/v1/imports/${started.body.id}`, undefined, auth());
    expect(done.body).toMatchObject({
      status: 'succeeded',
      report: { sessions: 1, newMessages: 2 },
    });
  });

  it('runs a scheduled job as Cloud Scheduler calls it, and nobody else gets in', async () => {
    const scheduler = serviceUrl('scheduler', inputs);
    const sweep = renderSchedules(inputs).find((s) => s.name === 'devctx-outbox-sweep');
    const tick = (account: string) =>
      front.deliver({
        function: 'scheduler',
        local: running.get('scheduler')?.base ?? '',
        url: sweep?.uri ?? '',
        account,
        audience: sweep?.audience ?? '',
        serviceUrl: scheduler,
      });
    expect(await tick(sweep?.serviceAccount ?? '')).toMatchObject({ status: 200 });
    // IAM turns away an account without run.invoker (a public function's own, say).
    expect(await tick(`devctx-identity@${inputs.projectId}.iam.gserviceaccount.com`)).toMatchObject(
      { status: 403 },
    );
    // A request that reached the container without IAM's check has no valid token: 401.
    for (const authorization of ['', 'Bearer forged.token.SIGNATURE_REMOVED_BY_GOOGLE']) {
      const direct = await fetch(`${running.get('scheduler')?.base}/jobs/outbox-sweep`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
      });
      expect(direct.status).toBe(401);
    }
  });

  it('starts the GKE pod from its ConfigMap and mounted secret, serving the same tenants', async () => {
    const env = podEnvironment(r.gke);
    const secrets = await mkdtemp(path.join(tmpdir(), 'devctx-csi-'));
    await mkdir(secrets, { recursive: true });
    // The CSI driver mounts the secret as a file; the sidecar proxy listens on 127.0.0.1:5432.
    await writeFile(path.join(secrets, 'database-password'), secretValue(SECRETS.databasePassword));
    const server = new URL(adminUrl());
    const pod = await startBundle('gke', bundle('api-server').dir, bundle('api-server').start, {
      ...env,
      DATABASE_URL: (env.DATABASE_URL ?? '').replace('127.0.0.1:5432', server.host),
      DATABASE_PASSWORD_FILE: path.join(secrets, 'database-password'),
      GOOGLE_API_EMULATOR_HOST: google.grpcHost,
      STORAGE_EMULATOR_HOST: google.storageUrl,
      METADATA_SERVER_DETECTION: 'none',
    });
    try {
      expect((await fetch(`${pod.base}/ready`)).status).toBe(200);
      const me = await fetch(`${pod.base}/v1/me`, { headers: auth() });
      expect(me.status).toBe(200);
      const signedUp = await call('GET', '/v1/me', undefined, auth());
      expect(await me.json()).toEqual(signedUp.body);
      // It serves no internal route: a job delivered to it goes nowhere.
      expect(
        (await fetch(`${pod.base}/tasks/imports.claude-code`, { method: 'POST' })).status,
      ).toBe(404);
    } finally {
      await pod.stop();
      await rm(secrets, { recursive: true, force: true });
    }
  });

  it('a function whose signing keys are missing fails its start with one line, and exit 78', async () => {
    const empty = await startFakeGoogle();
    try {
      for (const [name, versions] of google.secrets)
        empty.secrets.set(name, name.endsWith(SECRETS.jwtKeys) ? [] : versions);
      const result = await exitOf(
        bundle('identity').dir,
        bundle('identity').start,
        functionEnv(fn('identity'), empty),
      );
      expect(result.code).toBe(78);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`projects/${inputs.projectId}/secrets/${SECRETS.jwtKeys}`);
      expect(result.stderr).toContain('keys:rotate');
      expect(result.stderr).not.toContain(secretValue(SECRETS.databasePassword));
    } finally {
      await empty.close();
    }
  });
});
