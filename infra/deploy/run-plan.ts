// Carries out a plan (infra/deploy/plan.ts) with gcloud, kubectl and npm, or prints it.
// After a deploy, the smoke test calls the public hosts; when it fails, traffic goes back
// to the revisions that served before, and GKE to its previous rollout.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Arg, Generated, Step } from './plan.ts';

export type Exec = (
  tool: string,
  args: string[],
  options: { stdin?: string; env?: Record<string, string> },
) => { status: number; stdout: string; stderr: string };

/** The real tools, on PATH. */
export const execTool: Exec = (tool, args, options) => {
  const result = spawnSync(tool, args, {
    input: options.stdin ?? '',
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return {
    status: result.status ?? 1,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? (result.error ? String(result.error) : ''),
  };
};

export interface RunOptions {
  dryRun?: boolean;
  /** Where secrets only the operator knows come from (their shell's environment). */
  operatorEnv?: Record<string, string | undefined>;
  exec?: Exec;
  log?: (line: string) => void;
}

/** What served before the deploy changed it: each service's revision, GKE's rollout. */
export interface RollbackPoints {
  services: Map<string, { revision: string; flags: string[] }>;
  gke?: { namespace: string; deployment: string; revision: string };
}

/** A step failed: what ran before it is in `points`, to roll back. */
export class PlanFailed extends Error {
  readonly points: RollbackPoints;
  constructor(message: string, points: RollbackPoints) {
    super(message);
    this.points = points;
  }
}

/** The rollout revision Kubernetes gave a deployment ('' when there is none yet). */
function rolloutRevision(exec: Exec, namespace: string, deployment: string): string {
  const result = exec(
    'kubectl',
    [
      '-n',
      namespace,
      'get',
      `deployment/${deployment}`,
      '-o',
      'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}',
    ],
    {},
  );
  return result.status === 0 ? result.stdout.trim() : '';
}

const generators: Record<Generated['generated'], () => string> = {
  'postgres-password': () => randomBytes(24).toString('base64url'),
  'app-password': () => randomBytes(24).toString('base64url'),
  'encryption-key': () => randomBytes(32).toString('base64'),
};

export function runPlan(steps: Step[], options: RunOptions = {}): RollbackPoints {
  const exec = options.exec ?? execTool;
  const log = options.log ?? ((line) => console.log(line));
  const points: RollbackPoints = { services: new Map() };
  const operatorEnv = options.operatorEnv ?? process.env;
  const generated = new Map<string, string>();
  const argument = (arg: Arg, shown: boolean): string => {
    if (typeof arg === 'string') return arg;
    if ('fromOperator' in arg) {
      if (shown) return `<$${arg.fromOperator}>`;
      const value = operatorEnv[arg.fromOperator];
      if (!value) throw new PlanFailed(`Set ${arg.fromOperator} in the environment first.`, points);
      return value;
    }
    if (shown) return `<generated ${arg.generated}>`;
    let value = generated.get(arg.generated);
    if (!value) {
      value = generators[arg.generated]();
      generated.set(arg.generated, value);
    }
    return value;
  };
  for (const step of steps) {
    const printed = [step.tool, ...step.args.map((a) => argument(a, true))].join(' ');
    if (options.dryRun) {
      log(`# ${step.title}`);
      if (step.skipWhen)
        log(
          `#   skipped when \`gcloud ${step.skipWhen.args.join(' ')}\`${step.skipWhen.contains ? ` prints ${step.skipWhen.contains}` : ' succeeds'}`,
        );
      if (step.createIfMissing) log('#   (create instead of update when it does not exist yet)');
      if (step.env)
        log(
          `#   with ${Object.entries(step.env)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        );
      log(
        step.stdin === undefined
          ? printed
          : `${printed} <<< ${typeof step.stdin === 'string' ? `(${step.stdin.split('\n').length} lines)` : argument(step.stdin, true)}`,
      );
      continue;
    }
    if (step.skipWhen) {
      const check = exec('gcloud', step.skipWhen.args, {});
      if (
        check.status === 0 &&
        (step.skipWhen.contains === undefined || check.stdout.includes(step.skipWhen.contains))
      ) {
        log(`= ${step.title}: already done`);
        continue;
      }
    }
    if (step.rollbackPoint) {
      const flags = step.args.filter(
        (a): a is string => typeof a === 'string' && /^--(project|region)=/.test(a),
      );
      const serving = exec(
        'gcloud',
        [
          'run',
          'services',
          'describe',
          step.rollbackPoint,
          ...flags,
          '--format=value(status.traffic[0].revisionName)',
        ],
        {},
      );
      if (serving.status === 0 && serving.stdout.trim())
        points.services.set(step.rollbackPoint, { revision: serving.stdout.trim(), flags });
    }
    if (step.gkeRollbackPoint) {
      const { namespace, deployment } = step.gkeRollbackPoint;
      const revision = rolloutRevision(exec, namespace, deployment);
      if (revision) points.gke = { namespace, deployment, revision };
    }
    log(`+ ${step.title}`);
    const args = step.args.map((a) => argument(a, false));
    const stdin = step.stdin === undefined ? undefined : argument(step.stdin, false);
    const run = (a: string[]) =>
      exec(step.tool, a, {
        ...(stdin !== undefined ? { stdin } : {}),
        ...(step.env ? { env: step.env } : {}),
      });
    let result = run(args);
    if (result.status !== 0 && step.createIfMissing)
      result = run(args.map((a) => (a === 'update' ? 'create' : a)));
    if (result.status !== 0)
      throw new PlanFailed(
        `${step.title} failed: ${printed}\n${result.stderr.trim().slice(-2000)}`,
        points,
      );
  }
  return points;
}

/**
 * What a user's first requests need, on each public host: liveness, the database
 * (/ready), the API reference, and an authenticated route that refuses a missing token
 * with problem+json (the pipeline, the keys and the router, end to end).
 */
export async function smokeTest(
  baseUrls: string[],
  fetchImpl: typeof fetch = fetch,
): Promise<string[]> {
  const failures: string[] = [];
  for (const base of baseUrls) {
    const check = async (path: string, expected: number, type?: string) => {
      try {
        const response = await fetchImpl(`${base}${path}`, { signal: AbortSignal.timeout(10_000) });
        const contentType = response.headers.get('content-type') ?? '';
        if (response.status !== expected || (type && !contentType.startsWith(type)))
          failures.push(
            `${base}${path}: ${response.status} ${contentType}, expected ${expected}${type ? ` ${type}` : ''}`,
          );
      } catch (error) {
        failures.push(`${base}${path}: ${(error as Error).message}`);
      }
    };
    await check('/health', 200);
    await check('/ready', 200);
    await check('/openapi.json', 200, 'application/json');
    await check('/v1/me', 401, 'application/problem+json');
  }
  return failures;
}

/**
 * Sends traffic back to the revisions that served before, and GKE back to the rollout it
 * had — only if this deploy changed it (an unchanged apply made no new rollout, and an
 * undo would go one release too far).
 */
export function rollBack(points: RollbackPoints, options: RunOptions = {}): void {
  const exec = options.exec ?? execTool;
  const log = options.log ?? ((line) => console.log(line));
  for (const [service, { revision, flags }] of points.services) {
    log(`< ${service}: traffic back to ${revision}`);
    exec(
      'gcloud',
      ['run', 'services', 'update-traffic', service, ...flags, `--to-revisions=${revision}=100`],
      {},
    );
  }
  if (!points.gke) return;
  const { namespace, deployment, revision } = points.gke;
  if (rolloutRevision(exec, namespace, deployment) === revision) {
    log('= GKE: unchanged by this deploy');
    return;
  }
  log(`< GKE: back to rollout ${revision}`);
  exec(
    'kubectl',
    ['-n', namespace, 'rollout', 'undo', `deployment/${deployment}`, `--to-revision=${revision}`],
    {},
  );
}
