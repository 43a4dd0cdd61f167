// Creates or updates the Cloud Tasks queues and Cloud Scheduler jobs described in
// infra/cloud-tasks/queues.yaml and infra/cloud-scheduler/jobs.yaml, with gcloud.
//   node infra/scripts/apply-tasks-and-schedules.ts --project P --region R --scheduler-url URL [--dry-run]
// --dry-run prints the commands instead of running them (cloudbuild runs it for real).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';

export interface QueueSpec {
  name: string;
  maxDispatchesPerSecond: number;
  maxConcurrentDispatches: number;
  maxAttempts: number;
  minBackoff: string;
  maxBackoff: string;
  maxDoublings: number;
}
export interface SchedulesSpec {
  serviceAccount: string;
  jobs: { name: string; schedule: string; attemptDeadline: string }[];
}

const read = <T>(file: string): T =>
  parse(readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')) as T;
export const queues = () => read<{ queues: QueueSpec[] }>('cloud-tasks/queues.yaml').queues;
export const schedules = () => read<SchedulesSpec>('cloud-scheduler/jobs.yaml');

export function commands(project: string, region: string, schedulerUrl: string): string[][] {
  const base = [`--project=${project}`, `--location=${region}`];
  const queueCommands = queues().map((q) => [
    'gcloud',
    'tasks',
    'queues',
    'update',
    q.name,
    ...base,
    `--max-dispatches-per-second=${q.maxDispatchesPerSecond}`,
    `--max-concurrent-dispatches=${q.maxConcurrentDispatches}`,
    `--max-attempts=${q.maxAttempts}`,
    `--min-backoff=${q.minBackoff}`,
    `--max-backoff=${q.maxBackoff}`,
    `--max-doublings=${q.maxDoublings}`,
  ]);
  const spec = schedules();
  const account = `${spec.serviceAccount}@${project}.iam.gserviceaccount.com`;
  const url = schedulerUrl.replace(/\/$/, '');
  const jobCommands = spec.jobs.map((job) => [
    'gcloud',
    'scheduler',
    'jobs',
    'update',
    'http',
    `devctx-${job.name}`,
    ...base,
    `--schedule=${job.schedule}`,
    '--time-zone=Etc/UTC',
    `--uri=${url}/jobs/${job.name}`,
    '--http-method=POST',
    `--oidc-service-account-email=${account}`,
    `--oidc-token-audience=${url}`,
    `--attempt-deadline=${job.attemptDeadline}`,
  ]);
  return [...queueCommands, ...jobCommands];
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: {
      project: { type: 'string' },
      region: { type: 'string' },
      'scheduler-url': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (!values.project || !values.region || !values['scheduler-url']) {
    console.error(
      'usage: apply-tasks-and-schedules.ts --project P --region R --scheduler-url URL [--dry-run]',
    );
    process.exit(64);
  }
  for (const command of commands(values.project, values.region, values['scheduler-url'])) {
    if (values['dry-run']) {
      console.log(command.join(' '));
      continue;
    }
    // `update` fails for a queue or job that does not exist yet: create it instead.
    try {
      execFileSync(command[0] as string, command.slice(1), { stdio: 'inherit' });
    } catch {
      const create = command.map((part) => (part === 'update' ? 'create' : part));
      execFileSync(create[0] as string, create.slice(1), { stdio: 'inherit' });
    }
  }
}
