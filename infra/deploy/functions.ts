// The Cloud Run functions (functions/families.ts, settings in infra/functions/functions.yaml):
// their rendered settings and the gcloud commands that deploy them.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { functionNames } from '../../functions/families.ts';
import {
  type DeployInputs,
  fillAll,
  instanceConnectionName,
  serviceAccountEmail,
} from './inputs.ts';
import { mailRelay } from './mail-relay.ts';

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
  env: Record<string, string>;
  /** NAME=secret:version, as Cloud Run mounts them. */
  secrets: string[];
}

export interface FunctionsFile {
  database: { maxConnections: number; reserved: number };
  gke: { maxReplicas: number; poolMax: number };
  functions: FunctionSpec[];
}

/**
 * functions.yaml as written (placeholders unfilled), every function of functions/families.ts
 * given the defaults and whatever the file says of it. A setting for a function that does
 * not exist is an error.
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

/**
 * The functions as they will run: every placeholder filled from the inputs, and the mail
 * relay's settings and password on those that send mail, when the inputs name a relay.
 */
export function renderFunctions(inputs: DeployInputs, file = readFunctionsFile()): FunctionSpec[] {
  const relay = mailRelay(inputs);
  return file.functions.map((f) => {
    const spec = fillAll(f, inputs, `functions.yaml ${f.name}`);
    if (!relay?.functions.includes(f.name)) return spec;
    return {
      ...spec,
      env: { ...spec.env, ...relay.env },
      secrets: [...spec.secrets, `SMTP_PASSWORD=${relay.passwordSecret}:latest`],
    };
  });
}

/** The secret (name) behind each variable a function mounts, e.g. DATABASE_PASSWORD → devctx-database-password. */
export function mountedSecrets(spec: FunctionSpec): Record<string, string> {
  return Object.fromEntries(
    spec.secrets.map((s) => {
      const [variable = '', reference = ''] = s.split('=');
      return [variable, reference.split(':')[0] ?? ''];
    }),
  );
}

/** The service account that builds the functions' images (Cloud Build, on deploy). */
export const BUILD_ACCOUNT = 'devctx-functions-build';

/**
 * The gcloud invocations that deploy one function, in order: the function, then its Cloud
 * SQL connection, which also records `hash` as the label devctx-deploy-hash. The hash is
 * thus written only when both succeeded: a deploy that failed half-way is redone next time.
 */
export function deployCommands(spec: FunctionSpec, inputs: DeployInputs, hash: string): string[][] {
  const env = Object.entries(spec.env)
    .map(([k, v]) => `${k}=${v}`)
    .join('|');
  const project = `--project=${inputs.projectId}`;
  const region = `--region=${inputs.region}`;
  return [
    [
      'functions',
      'deploy',
      spec.name,
      '--gen2',
      project,
      region,
      `--runtime=${spec.runtime}`,
      `--source=dist/functions/${spec.name}`,
      `--entry-point=${spec.name}`,
      '--trigger-http',
      // Public families sit behind the load balancer; the private ones are called by
      // Cloud Tasks / Cloud Scheduler with OIDC tokens, checked by Cloud Run's IAM.
      spec.public ? '--allow-unauthenticated' : '--no-allow-unauthenticated',
      `--ingress-settings=${spec.public ? 'internal-and-gclb' : 'all'}`,
      `--service-account=${serviceAccountEmail(`devctx-${spec.name}`, inputs)}`,
      `--build-service-account=projects/${inputs.projectId}/serviceAccounts/${serviceAccountEmail(BUILD_ACCOUNT, inputs)}`,
      `--cpu=${spec.cpu}`,
      `--memory=${spec.memory}`,
      `--concurrency=${spec.concurrency}`,
      `--min-instances=${spec.minInstances}`,
      `--max-instances=${spec.maxInstances}`,
      `--timeout=${spec.timeout}`,
      `--set-env-vars=^|^${env}`,
      `--set-secrets=${spec.secrets.join(',')}`,
    ],
    [
      'run',
      'services',
      'update',
      spec.name,
      project,
      region,
      `--add-cloudsql-instances=${instanceConnectionName(inputs)}`,
      `--update-labels=devctx-deploy-hash=${hash}`,
    ],
  ];
}

/**
 * What decides whether a function must be deployed again: every file of its bundle (code,
 * manifest, dashboard assets, SQL) and every setting it is deployed with. A change of
 * either — an environment variable, a flag, a new asset — changes the hash. Not the
 * compile cache: it is derived from the code and the building Node, and V8 need not write
 * it byte for byte alike twice.
 */
export function deployHash(spec: FunctionSpec, inputs: DeployInputs, bundleDir: string): string {
  const hash = createHash('sha256');
  const files = readdirSync(bundleDir, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile() && !f.parentPath.includes(`${path.sep}node_modules`))
    .map((f) => path.relative(bundleDir, path.join(f.parentPath, f.name)))
    .filter((f) => !f.startsWith('node_modules') && !f.startsWith('compile-cache'))
    .sort();
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(path.join(bundleDir, file)));
  }
  hash.update(JSON.stringify(deployCommands(spec, inputs, '')));
  return hash.digest('hex').slice(0, 40);
}
