import { JobRegistry } from '@devctx/shared';
import { describe, expect, it } from 'vitest';
import { allJobs } from '../../functions/families.ts';
import { mountedSecrets } from '../deploy/functions.ts';
import { manifest, mountedSecretFiles, podEnvironment, toYaml } from '../deploy/gke.ts';
import { grants, secretsOf, serviceAccounts, workloads } from '../deploy/iam.ts';
import {
  hosts,
  instanceConnectionName,
  leftoverPlaceholders,
  serviceAccountEmail,
  serviceUrl,
} from '../deploy/inputs.ts';
import { loadBalancerSteps, renderUrlMap } from '../deploy/load-balancer.ts';
import { bootstrapPlan, deployPlan, SECRETS, type Step } from '../deploy/plan.ts';
import { queues, renderSchedules } from '../deploy/tasks-and-schedules.ts';
import { fakeBundles, render, simInputs } from './support.ts';

// Every name one file gives to something another file uses — service accounts, secrets,
// queues, URLs, audiences, hosts — is the same name there, and exists. These failed before:
// a scheduler account with two names, a worker URL no deploy could fill, two owners of
// api.DOMAIN.
const r = render();
const fn = (name: string) => {
  const found = r.functions.find((f) => f.name === name);
  if (!found) throw new Error(`no function ${name}`);
  return found;
};
const bootstrap = bootstrapPlan(r);
const deploy = deployPlan(r, { bundles: fakeBundles(), cluster: 'devctx', all: true });
const argsOf = (steps: Step[]) =>
  steps.map((s) => s.args.filter((a): a is string => typeof a === 'string').join(' '));
const createdSecrets = bootstrap
  .filter((s) => s.args[0] === 'secrets' && s.args[1] === 'create')
  .map((s) => s.args[2]);
const allGrants = grants(r.functions, r.gke, simInputs);

describe('rendering from one set of inputs', () => {
  it('leaves no placeholder in anything deployed: functions, manifests, schedules, grants, plans', () => {
    const everything = JSON.stringify({
      functions: r.functions,
      gke: toYaml(r.gke),
      schedules: renderSchedules(simInputs),
      urlMap: renderUrlMap(r.families, hosts(simInputs).functions, simInputs.projectId),
      bootstrap,
      deploy,
    });
    expect(leftoverPlaceholders(everything)).toEqual([]);
  });
});

describe('service accounts', () => {
  const created = Object.keys(serviceAccounts(r.functions)).map((n) =>
    serviceAccountEmail(n, simInputs),
  );

  it('every one named anywhere is created by the bootstrap', () => {
    const named = new Set<string>([
      ...r.functions.flatMap((f) => [
        f.env.TASKS_SERVICE_ACCOUNT ?? '',
        ...(f.env.INTERNAL_OIDC_SERVICE_ACCOUNTS ?? '').split(','),
      ]),
      ...renderSchedules(simInputs).map((s) => s.serviceAccount),
      ...workloads(r.functions, r.gke, simInputs).map((w) => w.account),
      ...allGrants
        .map((g) => g.member.replace(/^serviceAccount:/, ''))
        .filter((m) => m.endsWith('.iam.gserviceaccount.com')),
      ...argsOf(deploy).flatMap((a) =>
        [...a.matchAll(/[\w-]+@devctx-sim\.iam\.gserviceaccount\.com/g)].map((m) => m[0]),
      ),
    ]);
    named.delete('');
    for (const account of named) expect(created, account).toContain(account);
    expect(
      bootstrap.filter((s) => s.args[0] === 'iam' && s.args[2] === 'create').map((s) => s.args[3]),
    ).toEqual(Object.keys(serviceAccounts(r.functions)));
  });

  it('Cloud Tasks and Cloud Scheduler call with accounts the worker and scheduler accept, and may invoke them', () => {
    const tasksAccount = fn('api').env.TASKS_SERVICE_ACCOUNT;
    expect(fn('worker').env.INTERNAL_OIDC_SERVICE_ACCOUNTS?.split(',')).toContain(tasksAccount);
    for (const job of renderSchedules(simInputs))
      expect(fn('scheduler').env.INTERNAL_OIDC_SERVICE_ACCOUNTS?.split(',')).toContain(
        job.serviceAccount,
      );
    const invokers = (name: string) =>
      allGrants
        .filter(
          (g) => g.role === 'roles/run.invoker' && g.on.kind === 'function' && g.on.name === name,
        )
        .map((g) => g.member);
    expect(invokers('worker')).toEqual([`serviceAccount:${tasksAccount}`]);
    expect(invokers('scheduler')).toEqual([
      `serviceAccount:${serviceAccountEmail('devctx-scheduler-invoker', simInputs)}`,
    ]);
  });

  it('the GKE pods act as a Google account that may be acted as from their namespace', () => {
    const ksa = manifest(r.gke, 'ServiceAccount', 'devctx-api');
    const google = ksa.metadata.annotations?.['iam.gke.io/gcp-service-account'];
    expect(google).toBe(serviceAccountEmail('devctx-gke', simInputs));
    expect(allGrants).toContainEqual(
      expect.objectContaining({
        role: 'roles/iam.workloadIdentityUser',
        member: 'serviceAccount:devctx-sim.svc.id.goog[devctx/devctx-api]',
        on: { kind: 'serviceAccount', email: google },
      }),
    );
  });
});

describe('secrets', () => {
  it('every secret used is created by the bootstrap, and only its users may read it', () => {
    const all = workloads(r.functions, r.gke, simInputs);
    for (const w of all) {
      for (const secret of secretsOf(w)) {
        expect(createdSecrets, `${w.name} reads ${secret}`).toContain(secret);
        expect(allGrants, `${w.name} may read ${secret}`).toContainEqual(
          expect.objectContaining({
            member: `serviceAccount:${w.account}`,
            role: 'roles/secretmanager.secretAccessor',
            on: { kind: 'secret', name: secret },
          }),
        );
      }
    }
    // Readers are exactly the users: the postgres password only by the migration job.
    const readers = (secret: string) =>
      allGrants
        .filter(
          (g) =>
            g.role === 'roles/secretmanager.secretAccessor' &&
            g.on.kind === 'secret' &&
            g.on.name === secret,
        )
        .map((g) => g.member);
    expect(readers(SECRETS.postgresPassword)).toEqual([
      `serviceAccount:${serviceAccountEmail('devctx-migrate', simInputs)}`,
    ]);
    expect(
      allGrants.filter((g) => g.role.startsWith('roles/secretmanager') && g.on.kind === 'project'),
    ).toEqual([]);
  });

  it('functions and GKE name the same secrets, by the same names', () => {
    for (const f of r.functions)
      expect(mountedSecrets(f)).toEqual({ DATABASE_PASSWORD: SECRETS.databasePassword });
    expect(mountedSecretFiles(r.gke)).toEqual({ 'database-password': SECRETS.databasePassword });
    const pod = podEnvironment(r.gke);
    expect(pod.DATABASE_PASSWORD_FILE).toBe('/var/secrets/devctx/database-password');
    for (const name of ['JWT_KEYS_SECRET', 'ENCRYPTION_KEY_SECRET'] as const)
      for (const f of r.functions) expect(f.env[name], `${f.name} ${name}`).toBe(pod[name]);
    const migrate = deploy.find(
      (s) => s.args.includes('devctx-migrate') && s.args.includes('deploy'),
    );
    expect(argsOf(migrate ? [migrate] : [])[0]).toContain(
      `--set-secrets=MIGRATION_DATABASE_PASSWORD=${SECRETS.postgresPassword}:latest,DATABASE_APP_PASSWORD=${SECRETS.databasePassword}:latest`,
    );
  });
});

describe('queues, URLs and audiences', () => {
  it('every queue a job names exists', () => {
    const registry = new JobRegistry(allJobs);
    const names = queues().map((q) => q.name);
    for (const job of allJobs)
      expect(names, job.kind).toContain(registry.get(job.kind)?.queue ?? 'default');
  });

  it('tasks go to the worker URL that is the worker’s audience, waiting as long as it may run', () => {
    const worker = fn('worker');
    for (const f of [...r.functions, { name: 'GKE', env: podEnvironment(r.gke) }]) {
      expect(f.env.WORKER_URL, f.name).toBe(serviceUrl('worker', simInputs));
      expect(f.env.CLOUD_TASKS_PROJECT, f.name).toBe(simInputs.projectId);
      expect(f.env.CLOUD_TASKS_LOCATION, f.name).toBe(simInputs.region);
      expect(Number(f.env.TASKS_DISPATCH_DEADLINE_SECONDS), f.name).toBe(
        Number.parseInt(worker.timeout, 10),
      );
    }
    expect(worker.env.INTERNAL_OIDC_AUDIENCE).toBe(serviceUrl('worker', simInputs));
  });

  it('schedules post to the scheduler URL that is the scheduler’s audience', () => {
    for (const job of renderSchedules(simInputs)) {
      expect(job.audience).toBe(fn('scheduler').env.INTERNAL_OIDC_AUDIENCE);
      expect(job.uri.startsWith(`${job.audience}/jobs/`)).toBe(true);
    }
  });

  it('private functions trust Cloud Run’s IAM only where they are deployed behind it', () => {
    for (const f of r.functions) {
      const deployed =
        argsOf(deploy).find((a) => a.startsWith(`functions deploy ${f.name} `)) ?? '';
      if (f.env.INTERNAL_AUTH === 'cloud-run-iam')
        expect(deployed, f.name).toContain('--no-allow-unauthenticated');
      expect(f.public, f.name).toBe(!f.env.INTERNAL_AUTH);
    }
  });

  it('one database instance everywhere: the socket, the Cloud SQL attachment, the proxy', () => {
    const instance = instanceConnectionName(simInputs);
    for (const f of r.functions) expect(f.env.DATABASE_URL).toContain(`host=/cloudsql/${instance}`);
    expect(
      argsOf(deploy)
        .filter((a) => a.includes('--add-cloudsql-instances='))
        .every((a) => a.includes(`--add-cloudsql-instances=${instance}`)),
    ).toBe(true);
    expect(toYaml(r.gke)).toContain(`- ${instance}`);
  });

  it('one uploads bucket, created by the bootstrap and granted to those that use it', () => {
    const users = r.functions.filter((f) => f.env.STORAGE_BUCKET);
    const bucket = `${simInputs.projectId}-devctx-uploads`;
    for (const f of users) expect(f.env.STORAGE_BUCKET).toBe(bucket);
    expect(podEnvironment(r.gke).STORAGE_BUCKET).toBe(bucket);
    expect(argsOf(bootstrap)).toContainEqual(
      expect.stringContaining(`storage buckets create gs://${bucket}`),
    );
    const granted = allGrants
      .filter((g) => g.on.kind === 'bucket')
      .map((g) => g.member)
      .sort();
    expect(granted).toEqual(
      [
        ...users.map((f) => `serviceAccount:devctx-${f.name}@devctx-sim.iam.gserviceaccount.com`),
        `serviceAccount:${serviceAccountEmail('devctx-gke', simInputs)}`,
      ].sort(),
    );
  });
});

describe('hosts', () => {
  it('one owner per hostname: the serverless load balancer api.DOMAIN, GKE’s Ingress gke.DOMAIN', () => {
    const lb = loadBalancerSteps(simInputs, r.functions, r.families);
    const certificate = lb.find((s) => s.gcloud.includes('ssl-certificates'))?.gcloud ?? [];
    expect(certificate).toContain(`--domains=${hosts(simInputs).functions}`);
    const urlMap = renderUrlMap(r.families, hosts(simInputs).functions, simInputs.projectId);
    expect(urlMap.hostRules[0]?.hosts).toEqual(['api.devctx.example']);
    const gkeCertificate = manifest<{ spec: { domains: string[] } }>(
      r.gke,
      'ManagedCertificate',
      'devctx-api',
    );
    expect(gkeCertificate.spec.domains).toEqual(['gke.devctx.example']);
    // Each front has its own address.
    const ingress = manifest(r.gke, 'Ingress', 'devctx-api');
    expect(ingress.metadata.annotations?.['kubernetes.io/ingress.global-static-ip-name']).toBe(
      'devctx-gke',
    );
    expect(lb.find((s) => s.gcloud.includes('forwarding-rules'))?.gcloud).toContain(
      '--address=devctx-api',
    );
  });

  it('a complete serverless load balancer: a backend per public function, HTTPS, and HTTP redirected', () => {
    const lb = loadBalancerSteps(simInputs, r.functions, r.families).map((s) =>
      s.gcloud.slice(0, 4).join(' '),
    );
    for (const f of r.functions.filter((f) => f.public)) {
      expect(lb).toContain(`compute network-endpoint-groups create devctx-${f.name}`);
      expect(lb).toContain(`compute backend-services create devctx-${f.name}`);
    }
    for (const part of [
      'compute url-maps import devctx',
      'compute url-maps import devctx-redirect',
      'compute ssl-certificates create devctx-api',
      'compute target-https-proxies create devctx-api',
      'compute forwarding-rules create devctx-api-https',
      'compute target-http-proxies create devctx-api-redirect',
      'compute forwarding-rules create devctx-api-http',
    ])
      expect(lb).toContain(part);
  });

  it('tokens name one issuer, the public API, wherever they are made', () => {
    for (const f of r.functions)
      expect(f.env.JWT_ISSUER).toBe(`https://${hosts(simInputs).functions}`);
    expect(podEnvironment(r.gke).JWT_ISSUER).toBe(`https://${hosts(simInputs).functions}`);
  });
});
