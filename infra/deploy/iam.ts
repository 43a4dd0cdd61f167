// IAM as code: the service accounts, and every grant — derived from what each workload is
// configured to use (see infra/functions/iam.yaml), each on the narrowest resource Google
// allows — and the gcloud commands that apply them.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { BUILD_ACCOUNT, type FunctionSpec, mountedSecrets } from './functions.ts';
import { type Manifest, manifest, mountedSecretFiles, podEnvironment } from './gke.ts';
import { type DeployInputs, serviceAccountEmail } from './inputs.ts';
import { queues } from './tasks-and-schedules.ts';

interface IamFile {
  identities: Record<string, string>;
  migrate: { secrets: string[] };
  build: string[];
  deployer: { project: string[]; secrets: Record<string, string> };
}
const readIamFile = (): IamFile =>
  parse(readFileSync(path.resolve(import.meta.dirname, '..', 'functions', 'iam.yaml'), 'utf8'));

export type Target =
  | { kind: 'project'; condition?: { title: string; expression: string } }
  | { kind: 'secret'; name: string }
  | { kind: 'bucket'; name: string }
  | { kind: 'queue'; name: string }
  | { kind: 'function'; name: string }
  | { kind: 'serviceAccount'; email: string };

export interface Grant {
  member: string;
  role: string;
  on: Target;
  /** bootstrap: before the first deploy (what exists then); deploy: after what it creates. */
  phase: 'bootstrap' | 'deploy';
  why: string;
}

/** A workload: who it runs as, its environment, and the secrets mounted into it. */
export interface Workload {
  name: string;
  account: string;
  env: Record<string, string>;
  secrets: string[];
}

const SECRET_REFERENCE = /^projects\/[^/]+\/secrets\/([^/]+)$/;

/** The functions, the GKE pods and the migration job, as IAM sees them. */
export function workloads(
  functions: FunctionSpec[],
  gke: Manifest[],
  inputs: DeployInputs,
): Workload[] {
  const ksa = manifest<{ metadata: { annotations: Record<string, string> } }>(
    gke,
    'ServiceAccount',
    'devctx-api',
  );
  return [
    ...functions.map((f) => ({
      name: `function ${f.name}`,
      account: serviceAccountEmail(`devctx-${f.name}`, inputs),
      env: f.env,
      secrets: Object.values(mountedSecrets(f)),
    })),
    {
      name: 'GKE api',
      account: ksa.metadata.annotations['iam.gke.io/gcp-service-account'] ?? '',
      env: podEnvironment(gke),
      secrets: Object.values(mountedSecretFiles(gke)),
    },
    {
      name: 'migration job',
      account: serviceAccountEmail('devctx-migrate', inputs),
      env: { DATABASE_URL: 'the owner role, through the socket' },
      secrets: readIamFile().migrate.secrets,
    },
  ];
}

/** The secrets a workload reads: mounted ones and those it names in *_SECRET variables. */
export function secretsOf(w: Workload): string[] {
  const named = Object.entries(w.env)
    .filter(([k]) => k.endsWith('_SECRET'))
    .map(([, v]) => SECRET_REFERENCE.exec(v)?.[1] ?? v);
  return [...new Set([...w.secrets, ...named])].sort();
}

/** Every service account a deployment needs: one per function, and the other identities. */
export function serviceAccounts(functions: FunctionSpec[]): Record<string, string> {
  const file = readIamFile();
  return {
    ...Object.fromEntries(functions.map((f) => [`devctx-${f.name}`, `the ${f.name} function`])),
    ...file.identities,
  };
}

export function grants(functions: FunctionSpec[], gke: Manifest[], inputs: DeployInputs): Grant[] {
  const file = readIamFile();
  const all = workloads(functions, gke, inputs);
  const sa = (email: string) => `serviceAccount:${email}`;
  const result: Grant[] = [];
  const instance = `projects/${inputs.projectId}/instances/${inputs.instance}`;
  for (const w of all) {
    for (const secret of secretsOf(w))
      result.push({
        member: sa(w.account),
        role: 'roles/secretmanager.secretAccessor',
        on: { kind: 'secret', name: secret },
        phase: 'bootstrap',
        why: `${w.name} reads ${secret}`,
      });
    if (w.env.DATABASE_URL)
      result.push({
        member: sa(w.account),
        role: 'roles/cloudsql.client',
        on: {
          kind: 'project',
          condition: {
            title: `connect to ${inputs.instance}`,
            expression: `resource.name == "${instance}"`,
          },
        },
        phase: 'bootstrap',
        why: `${w.name} connects to the database`,
      });
    if (w.env.STORAGE_BUCKET)
      result.push({
        member: sa(w.account),
        role: 'roles/storage.objectUser',
        on: { kind: 'bucket', name: w.env.STORAGE_BUCKET },
        phase: 'bootstrap',
        why: `${w.name} stores uploads`,
      });
    if (w.env.TASKS_DRIVER === 'cloud-tasks') {
      for (const q of queues())
        result.push({
          member: sa(w.account),
          role: 'roles/cloudtasks.enqueuer',
          on: { kind: 'queue', name: q.name },
          phase: 'deploy',
          why: `${w.name} enqueues jobs`,
        });
      result.push({
        member: sa(w.account),
        role: 'roles/iam.serviceAccountUser',
        on: { kind: 'serviceAccount', email: w.env.TASKS_SERVICE_ACCOUNT ?? '' },
        phase: 'bootstrap',
        why: `${w.name} attaches the tasks identity's token to its tasks`,
      });
    }
  }
  for (const f of functions.filter((f) => !f.public)) {
    for (const caller of (f.env.INTERNAL_OIDC_SERVICE_ACCOUNTS ?? '').split(',').filter(Boolean))
      result.push({
        member: sa(caller.trim()),
        role: 'roles/run.invoker',
        on: { kind: 'function', name: f.name },
        phase: 'deploy',
        why: `${caller.trim()} calls the private ${f.name} function`,
      });
  }
  // Workload Identity: the Kubernetes service account acts as its Google one.
  const ksa = manifest(gke, 'ServiceAccount', 'devctx-api');
  const gkeAccount = all.find((w) => w.name === 'GKE api')?.account ?? '';
  result.push({
    member: `serviceAccount:${inputs.projectId}.svc.id.goog[${ksa.metadata.namespace}/${ksa.metadata.name}]`,
    role: 'roles/iam.workloadIdentityUser',
    on: { kind: 'serviceAccount', email: gkeAccount },
    phase: 'bootstrap',
    why: 'the GKE pods act as devctx-gke',
  });
  const build = sa(serviceAccountEmail(BUILD_ACCOUNT, inputs));
  for (const role of file.build)
    result.push({
      member: build,
      role,
      on: { kind: 'project' },
      phase: 'bootstrap',
      why: 'builds functions',
    });
  const deployer = sa(serviceAccountEmail('devctx-deployer', inputs));
  for (const role of file.deployer.project)
    result.push({
      member: deployer,
      role,
      on: { kind: 'project' },
      phase: 'bootstrap',
      why: 'the pipeline',
    });
  for (const [secret, role] of Object.entries(file.deployer.secrets))
    result.push({
      member: deployer,
      role,
      on: { kind: 'secret', name: secret },
      phase: 'bootstrap',
      why: 'the pipeline',
    });
  // The pipeline deploys as each runtime identity and the build identity (actAs).
  const actAs = new Set([...all.map((w) => w.account), serviceAccountEmail(BUILD_ACCOUNT, inputs)]);
  for (const email of [...actAs].sort())
    result.push({
      member: deployer,
      role: 'roles/iam.serviceAccountUser',
      on: { kind: 'serviceAccount', email },
      phase: 'bootstrap',
      why: 'the pipeline deploys as it',
    });
  return result;
}

/** The gcloud command that adds one grant (adding one that exists changes nothing). */
export function grantCommand(g: Grant, inputs: DeployInputs): string[] {
  const who = [`--member=${g.member}`, `--role=${g.role}`];
  const project = `--project=${inputs.projectId}`;
  switch (g.on.kind) {
    case 'project':
      return [
        'projects',
        'add-iam-policy-binding',
        inputs.projectId,
        ...who,
        g.on.condition
          ? `--condition=^;^title=${g.on.condition.title};expression=${g.on.condition.expression}`
          : '--condition=None',
      ];
    case 'secret':
      return ['secrets', 'add-iam-policy-binding', g.on.name, project, ...who];
    case 'bucket':
      return ['storage', 'buckets', 'add-iam-policy-binding', `gs://${g.on.name}`, project, ...who];
    case 'queue':
      return [
        'tasks',
        'queues',
        'add-iam-policy-binding',
        g.on.name,
        project,
        `--location=${inputs.region}`,
        ...who,
      ];
    case 'function':
      return [
        'run',
        'services',
        'add-iam-policy-binding',
        g.on.name,
        project,
        `--region=${inputs.region}`,
        ...who,
      ];
    case 'serviceAccount':
      return ['iam', 'service-accounts', 'add-iam-policy-binding', g.on.email, project, ...who];
  }
}
