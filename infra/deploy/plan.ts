// What a deployment does, as data: the ordered steps of the first set-up of a project
// (bootstrap) and of every release (deploy). infra/deploy/run-plan.ts carries them out, or
// prints them (--dry-run); tests read them without running anything.
import path from 'node:path';
import type { Family } from '@devctx/shared';
import { deployCommands, deployHash, type FunctionSpec } from './functions.ts';
import { type Manifest, toYaml } from './gke.ts';
import { grantCommand, grants, serviceAccounts } from './iam.ts';
import { type DeployInputs, hosts, instanceConnectionName, serviceAccountEmail } from './inputs.ts';
import { loadBalancerSteps } from './load-balancer.ts';
import { mailRelay } from './mail-relay.ts';
import { taskAndScheduleCommands } from './tasks-and-schedules.ts';

/** A secret value made by the run itself, never written anywhere but to its target. */
export type Generated = { generated: 'postgres-password' | 'app-password' | 'encryption-key' };
/** A secret only the operator knows (the mail relay's password), from their shell's environment. */
export type FromOperator = { fromOperator: 'SMTP_PASSWORD' };
export type Arg = string | Generated | FromOperator;

export interface Step {
  title: string;
  tool: 'gcloud' | 'kubectl' | 'npm';
  args: Arg[];
  /** A gcloud command that succeeds (printing this, if given) when the step is done. */
  skipWhen?: { args: string[]; contains?: string };
  /** Given to the command's standard input. */
  stdin?: string | Generated | FromOperator;
  /** Extra environment for the command. */
  env?: Record<string, string>;
  /** An `update` that becomes `create` when the thing does not exist yet. */
  createIfMissing?: boolean;
  /** Before the step, remember the serving revision of this Cloud Run service (rollback). */
  rollbackPoint?: string;
  /** Before the step, remember this Kubernetes deployment's rollout revision (rollback). */
  gkeRollbackPoint?: { namespace: string; deployment: string };
}

/** infra/, where the files a step hands to gcloud live. */
const infra = path.resolve(import.meta.dirname, '..');

export const SECRETS = {
  databasePassword: 'devctx-database-password',
  postgresPassword: 'devctx-postgres-password',
  jwtKeys: 'devctx-jwt-keys',
  encryptionKey: 'devctx-encryption-key',
} as const;

const APIS = [
  'run',
  'cloudfunctions',
  'cloudbuild',
  'artifactregistry',
  'sqladmin',
  'secretmanager',
  'cloudtasks',
  'cloudscheduler',
  'compute',
  'container',
  'iamcredentials',
  'storage',
].map((api) => `${api}.googleapis.com`);

export interface Rendered {
  inputs: DeployInputs;
  functions: FunctionSpec[];
  gke: Manifest[];
  families: Family[];
  database: { maxConnections: number };
}

const gcloud = (title: string, args: Arg[], more: Partial<Step> = {}): Step => ({
  title,
  tool: 'gcloud',
  args,
  ...more,
});

/**
 * A project from nothing: APIs, the image repository, the Cloud SQL instance and database,
 * the uploads bucket, the service accounts, the secrets (passwords and keys generated
 * here, never shown), the grants on what exists now, and the two global addresses. Each
 * step is skipped when what it makes exists, so it can run again.
 */
export function bootstrapPlan(r: Rendered): Step[] {
  const { inputs } = r;
  const project = `--project=${inputs.projectId}`;
  const region = `--region=${inputs.region}`;
  const bucket = r.functions.find((f) => f.env.STORAGE_BUCKET)?.env.STORAGE_BUCKET ?? '';
  const secretExists = (name: string) => ({
    args: ['secrets', 'describe', name, project],
  });
  const steps: Step[] = [
    gcloud('Enable the APIs', ['services', 'enable', ...APIS, project]),
    gcloud(
      'Create the image repository',
      [
        'artifacts',
        'repositories',
        'create',
        'devctx',
        project,
        `--location=${inputs.region}`,
        '--repository-format=docker',
      ],
      {
        skipWhen: {
          args: [
            'artifacts',
            'repositories',
            'describe',
            'devctx',
            project,
            `--location=${inputs.region}`,
          ],
        },
      },
    ),
    gcloud(
      'Create the Cloud SQL instance (PostgreSQL 17, backups and point-in-time recovery)',
      [
        'sql',
        'instances',
        'create',
        inputs.instance,
        project,
        region,
        '--database-version=POSTGRES_17',
        '--edition=ENTERPRISE',
        '--tier=db-custom-2-8192',
        '--backup-start-time=03:00',
        '--enable-point-in-time-recovery',
        `--database-flags=max_connections=${r.database.maxConnections}`,
      ],
      { skipWhen: { args: ['sql', 'instances', 'describe', inputs.instance, project] } },
    ),
    // Not skipped: a flag set to the value it has changes nothing (no restart).
    gcloud(
      `Hold max_connections at ${r.database.maxConnections} (the sum in functions.yaml must fit)`,
      [
        'sql',
        'instances',
        'patch',
        inputs.instance,
        project,
        `--database-flags=max_connections=${r.database.maxConnections}`,
        '--quiet',
      ],
    ),
    gcloud(
      'Create the database',
      ['sql', 'databases', 'create', inputs.database, project, `--instance=${inputs.instance}`],
      {
        skipWhen: {
          args: [
            'sql',
            'databases',
            'describe',
            inputs.database,
            project,
            `--instance=${inputs.instance}`,
          ],
        },
      },
    ),
    gcloud(
      "Set the postgres user's password (kept only in its secret, below)",
      [
        'sql',
        'users',
        'set-password',
        'postgres',
        project,
        `--instance=${inputs.instance}`,
        '--password',
        { generated: 'postgres-password' },
      ],
      { skipWhen: secretExists(SECRETS.postgresPassword) },
    ),
    gcloud(
      'Create the uploads bucket (uniform access, never public, versioned)',
      [
        'storage',
        'buckets',
        'create',
        `gs://${bucket}`,
        project,
        `--location=${inputs.region}`,
        '--uniform-bucket-level-access',
        '--public-access-prevention',
      ],
      { skipWhen: { args: ['storage', 'buckets', 'describe', `gs://${bucket}`, project] } },
    ),
    gcloud('Keep old versions of uploads', [
      'storage',
      'buckets',
      'update',
      `gs://${bucket}`,
      project,
      '--versioning',
    ]),
    // What is deleted (an erased person's archive, a deleted tenant's objects) stays
    // recoverable as long as the database's point-in-time recovery, then goes for good.
    gcloud('Delete old versions of uploads after 7 days', [
      'storage',
      'buckets',
      'update',
      `gs://${bucket}`,
      project,
      `--lifecycle-file=${path.join(infra, 'storage', 'lifecycle.json')}`,
    ]),
  ];
  for (const [name, description] of Object.entries(serviceAccounts(r.functions)))
    steps.push(
      gcloud(
        `Create the service account ${name}`,
        ['iam', 'service-accounts', 'create', name, project, `--display-name=${description}`],
        {
          skipWhen: {
            args: [
              'iam',
              'service-accounts',
              'describe',
              serviceAccountEmail(name, inputs),
              project,
            ],
          },
        },
      ),
    );
  const relay = mailRelay(inputs);
  const secret = (name: string, value: Generated, title: string) =>
    gcloud(
      title,
      ['secrets', 'create', name, project, '--replication-policy=automatic', '--data-file=-'],
      {
        stdin: value,
        skipWhen: secretExists(name),
      },
    );
  steps.push(
    secret(
      SECRETS.postgresPassword,
      { generated: 'postgres-password' },
      "Keep the postgres user's password",
    ),
    secret(
      SECRETS.databasePassword,
      { generated: 'app-password' },
      "Keep devctx_app's password (the migration job sets it)",
    ),
    secret(
      SECRETS.encryptionKey,
      { generated: 'encryption-key' },
      'Keep the encryption key of sealed secrets (32 random bytes)',
    ),
    ...(relay
      ? [
          gcloud(
            "Keep the mail relay's password (from $SMTP_PASSWORD)",
            [
              'secrets',
              'create',
              relay.passwordSecret,
              project,
              '--replication-policy=automatic',
              '--data-file=-',
            ],
            {
              stdin: { fromOperator: 'SMTP_PASSWORD' },
              skipWhen: secretExists(relay.passwordSecret),
            },
          ),
        ]
      : []),
    gcloud(
      'Create the secret of the token signing keys',
      ['secrets', 'create', SECRETS.jwtKeys, project, '--replication-policy=automatic'],
      {
        skipWhen: secretExists(SECRETS.jwtKeys),
      },
    ),
    {
      title: 'Write the first token signing key set',
      tool: 'npm',
      args: ['run', 'keys:rotate'],
      env: {
        JWT_KEYS: 'secret-manager',
        JWT_KEYS_SECRET: `projects/${inputs.projectId}/secrets/${SECRETS.jwtKeys}`,
      },
      skipWhen: {
        args: ['secrets', 'versions', 'describe', 'latest', `--secret=${SECRETS.jwtKeys}`, project],
      },
    },
  );
  for (const g of grants(r.functions, r.gke, inputs).filter((g) => g.phase === 'bootstrap'))
    steps.push(gcloud(`Grant ${g.role} (${g.why})`, grantCommand(g, inputs)));
  for (const address of ['devctx-api', 'devctx-gke'])
    steps.push(
      gcloud(
        `Reserve the global address ${address}`,
        ['compute', 'addresses', 'create', address, project, '--global', '--ip-version=IPV4'],
        { skipWhen: { args: ['compute', 'addresses', 'describe', address, project, '--global'] } },
      ),
    );
  return steps;
}

/**
 * One release: migrate, the functions whose bundle or settings changed, the grants on
 * what the deploy made, queues and schedules, the load balancer, and the GKE rollout.
 */
export function deployPlan(
  r: Rendered,
  options: { bundles: string; cluster: string; all?: boolean },
): Step[] {
  const { inputs } = r;
  const project = `--project=${inputs.projectId}`;
  const region = `--region=${inputs.region}`;
  const image = (name: string) =>
    `${inputs.region}-docker.pkg.dev/${inputs.projectId}/devctx/${name}:${inputs.imageTag}`;
  const steps: Step[] = [
    gcloud('Define the migration job', [
      'run',
      'jobs',
      'deploy',
      'devctx-migrate',
      project,
      region,
      `--image=${image('migrate')}`,
      `--service-account=${serviceAccountEmail('devctx-migrate', inputs)}`,
      `--set-cloudsql-instances=${instanceConnectionName(inputs)}`,
      `--set-env-vars=MIGRATION_DATABASE_URL=postgres://postgres@/${inputs.database}?host=/cloudsql/${instanceConnectionName(inputs)}`,
      `--set-secrets=MIGRATION_DATABASE_PASSWORD=${SECRETS.postgresPassword}:latest,DATABASE_APP_PASSWORD=${SECRETS.databasePassword}:latest`,
      '--args=--bootstrap',
      '--max-retries=0',
      '--task-timeout=600s',
    ]),
    gcloud('Migrate (roles, then every new migration)', [
      'run',
      'jobs',
      'execute',
      'devctx-migrate',
      project,
      region,
      '--wait',
    ]),
  ];
  for (const f of r.functions) {
    const hash = deployHash(f, inputs, path.join(options.bundles, f.name));
    const [deploy, attach] = deployCommands(f, inputs, hash);
    const unchanged = options.all
      ? undefined
      : {
          args: [
            'run',
            'services',
            'describe',
            f.name,
            project,
            region,
            '--format=value(metadata.labels.devctx-deploy-hash)',
          ],
          contains: hash,
        };
    steps.push(
      gcloud(`Deploy the ${f.name} function`, deploy ?? [], {
        ...(unchanged ? { skipWhen: unchanged } : {}),
        rollbackPoint: f.name,
      }),
      gcloud(
        `Connect ${f.name} to Cloud SQL and record its deploy`,
        attach ?? [],
        unchanged ? { skipWhen: unchanged } : {},
      ),
    );
  }
  for (const args of taskAndScheduleCommands(inputs))
    steps.push(
      gcloud(
        `Apply ${args[0] === 'tasks' ? 'queue' : 'schedule'} ${args[args[0] === 'tasks' ? 3 : 4]}`,
        args,
        { createIfMissing: true },
      ),
    );
  for (const g of grants(r.functions, r.gke, inputs).filter((g) => g.phase === 'deploy'))
    steps.push(gcloud(`Grant ${g.role} (${g.why})`, grantCommand(g, inputs)));
  for (const s of loadBalancerSteps(inputs, r.functions, r.families))
    steps.push(
      gcloud(`Load balancer: ${s.gcloud.slice(1, 4).join(' ')}`, s.gcloud, {
        ...(s.exists ? { skipWhen: s.exists } : {}),
        ...(s.stdin ? { stdin: s.stdin } : {}),
      }),
    );
  steps.push(
    gcloud('Reach the GKE cluster', [
      'container',
      'clusters',
      'get-credentials',
      options.cluster,
      project,
      region,
    ]),
    {
      title: 'Apply the GKE manifests',
      tool: 'kubectl',
      args: ['apply', '-f', '-'],
      gkeRollbackPoint: { namespace: 'devctx', deployment: 'devctx-api' },
      stdin: toYaml(r.gke),
    },
    {
      title: 'Wait for the GKE rollout',
      tool: 'kubectl',
      args: ['-n', 'devctx', 'rollout', 'status', 'deployment/devctx-api', '--timeout=600s'],
    },
  );
  return steps;
}

/** The public URLs the smoke test calls after a deploy. */
export const smokeTargets = (inputs: DeployInputs) => [
  `https://${hosts(inputs).functions}`,
  `https://${hosts(inputs).gke}`,
];
