// The Cloud Tasks queues (infra/cloud-tasks/queues.yaml) and Cloud Scheduler jobs
// (infra/cloud-scheduler/jobs.yaml), and the gcloud commands that create or update them.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type DeployInputs, serviceAccountEmail, serviceUrl } from './inputs.ts';

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

/** A scheduled job as Cloud Scheduler will call it. */
export interface RenderedSchedule {
  name: string;
  schedule: string;
  uri: string;
  serviceAccount: string;
  audience: string;
  attemptDeadline: string;
}

export function renderSchedules(inputs: DeployInputs): RenderedSchedule[] {
  const spec = schedules();
  const url = serviceUrl('scheduler', inputs);
  return spec.jobs.map((job) => ({
    name: `devctx-${job.name}`,
    schedule: job.schedule,
    uri: `${url}/jobs/${job.name}`,
    serviceAccount: serviceAccountEmail(spec.serviceAccount, inputs),
    audience: url,
    attemptDeadline: job.attemptDeadline,
  }));
}

/**
 * One command per queue and per job. Each is an `update`; the deploy script runs `create`
 * instead where the queue or job does not exist yet.
 */
export function taskAndScheduleCommands(inputs: DeployInputs): string[][] {
  const base = [`--project=${inputs.projectId}`, `--location=${inputs.region}`];
  const queueCommands = queues().map((q) => [
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
  const jobCommands = renderSchedules(inputs).map((job) => [
    'scheduler',
    'jobs',
    'update',
    'http',
    job.name,
    ...base,
    `--schedule=${job.schedule}`,
    '--time-zone=Etc/UTC',
    `--uri=${job.uri}`,
    '--http-method=POST',
    `--oidc-service-account-email=${job.serviceAccount}`,
    `--oidc-token-audience=${job.audience}`,
    `--attempt-deadline=${job.attemptDeadline}`,
  ]);
  return [...queueCommands, ...jobCommands];
}
