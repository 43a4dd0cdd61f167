// Deploys the Cloud Run functions (functions/families.ts, settings in
// infra/functions/functions.yaml) from the bundles of
// `npm run build`, skipping every function whose bundle is unchanged since its last deploy
// (the bundle's hash rides along as a label).
//
//   node infra/scripts/deploy-functions.ts --project P --region R [--dry-run] [--all]
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { functionNames } from '../../functions/families.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface FunctionSpec {
  name: string;
  public: boolean;
  minInstances: number;
  maxInstances: number;
  poolMax: number;
  cpu: number;
  memory: string;
  concurrency: number;
  timeout: string;
  runtime: string;
  region: string;
  env: Record<string, string>;
  secrets: string[];
}

export interface FunctionsFile {
  database: { instance: string; maxConnections: number; reserved: number };
  gke: { maxReplicas: number; poolMax: number };
  functions: FunctionSpec[];
}

/**
 * functions.yaml, with every function of functions/families.ts given the defaults and
 * whatever the file says of it. A setting for a function that does not exist is an error.
 */
export function readFunctionsFile(
  file = path.join(root, 'infra', 'functions', 'functions.yaml'),
): FunctionsFile {
  const raw = parse(readFileSync(file, 'utf8'));
  const defaults = raw.defaults ?? {};
  const overrides: Record<string, Partial<FunctionSpec>> = raw.functions ?? {};
  const unknown = Object.keys(overrides).filter((name) => !functionNames.includes(name));
  if (unknown.length)
    throw new Error(`functions.yaml names no such function: ${unknown.join(', ')}`);
  return {
    database: raw.database,
    gke: raw.gke,
    functions: functionNames.map((name) => {
      const own = overrides[name] ?? {};
      const merged = { ...defaults, ...own, name };
      return {
        ...merged,
        env: { ...defaults.env, ...own.env, DATABASE_POOL_MAX: String(merged.poolMax) },
        secrets: [...(defaults.secrets ?? []), ...(own.secrets ?? [])],
      };
    }),
  };
}

/** The hash of what a deploy would upload: the bundle's code and manifest. */
export function bundleHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of ['index.js', 'package.json']) hash.update(readFileSync(path.join(dir, file)));
  return hash.digest('hex').slice(0, 40);
}

/** The gcloud invocations that deploy one function (and attach its Cloud SQL instance). */
export function deployCommands(
  spec: FunctionSpec,
  options: { project: string; instance: string; hash: string },
): string[][] {
  const fill = (text: string) =>
    text.replaceAll('PROJECT_ID', options.project).replaceAll('REGION', spec.region);
  const env = Object.entries(spec.env)
    .map(([k, v]) => `${k}=${fill(v)}`)
    .join('|');
  return [
    [
      'functions',
      'deploy',
      spec.name,
      '--gen2',
      `--project=${options.project}`,
      `--region=${spec.region}`,
      `--runtime=${spec.runtime}`,
      `--source=dist/functions/${spec.name}`,
      `--entry-point=${spec.name}`,
      '--trigger-http',
      // Public families sit behind the load balancer; the private ones are called by
      // Cloud Tasks / Cloud Scheduler with OIDC tokens, checked by IAM.
      spec.public ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      `--ingress-settings=${spec.public ? 'internal-and-gclb' : 'all'}`,
      `--service-account=devctx-${spec.name}@${options.project}.iam.gserviceaccount.com`,
      `--cpu=${spec.cpu}`,
      `--memory=${spec.memory}`,
      `--concurrency=${spec.concurrency}`,
      `--min-instances=${spec.minInstances}`,
      `--max-instances=${spec.maxInstances}`,
      `--timeout=${spec.timeout}`,
      `--set-env-vars=^|^${env}`,
      `--set-secrets=${spec.secrets.join(',')}`,
      `--update-labels=bundle-hash=${options.hash}`,
    ],
    [
      'run',
      'services',
      'update',
      spec.name,
      `--project=${options.project}`,
      `--region=${spec.region}`,
      `--add-cloudsql-instances=${fill(options.instance)}`,
    ],
  ];
}

/** The bundle hash the deployed function carries, or '' when it is not deployed yet. */
function deployedHash(name: string, project: string, region: string): string {
  try {
    return execFileSync(
      'gcloud',
      [
        'functions',
        'describe',
        name,
        '--gen2',
        `--project=${project}`,
        `--region=${region}`,
        '--format=value(labels.bundle-hash)',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    ).trim();
  } catch {
    return '';
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      region: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      all: { type: 'boolean', default: false },
    },
  });
  if (!values.project || !values.region) {
    console.error('usage: deploy-functions.ts --project P --region R [--dry-run] [--all]');
    process.exit(64);
  }
  const file = readFunctionsFile();
  for (const spec of file.functions) {
    const resolved = { ...spec, region: values.region };
    const hash = bundleHash(path.join(root, 'dist', 'functions', spec.name));
    const deployed = values['dry-run']
      ? ''
      : deployedHash(spec.name, values.project, values.region);
    if (!values.all && deployed === hash) {
      console.log(`${spec.name}: unchanged (${hash.slice(0, 12)}), skipped`);
      continue;
    }
    for (const args of deployCommands(resolved, {
      project: values.project,
      instance: file.database.instance,
      hash,
    })) {
      console.log(`gcloud ${args.join(' ')}`);
      if (!values['dry-run']) execFileSync('gcloud', args, { stdio: 'inherit', cwd: root });
    }
  }
}
