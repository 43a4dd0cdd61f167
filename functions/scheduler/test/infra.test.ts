import { describe, expect, it } from 'vitest';
import { commands, queues, schedules } from '../../../infra/scripts/apply-tasks-and-schedules.ts';
import { allJobs } from '../../families.ts';
import { scheduledJobs } from '../src/scheduled-jobs.ts';

describe('infra files', () => {
  it('schedule exactly the scheduler’s jobs, at the schedules the code declares', () => {
    const declared = scheduledJobs.map((j) => ({ name: j.name, schedule: j.schedule }));
    const applied = schedules().jobs.map((j) => ({ name: j.name, schedule: j.schedule }));
    expect(applied).toEqual(declared);
  });

  it('have a queue for every job family, and a default one', () => {
    const names = new Set(queues().map((q) => q.name));
    expect(names.has('default')).toBe(true);
    for (const job of allJobs) expect(names, job.kind).toContain(job.queue);
  });

  it('turn into gcloud commands that call the scheduler with an OIDC token', () => {
    const all = commands('p1', 'europe-west1', 'https://scheduler.example/').map((c) =>
      c.join(' '),
    );
    const sweep = all.find((c) => c.includes('devctx-outbox-sweep'));
    expect(sweep).toContain('--uri=https://scheduler.example/jobs/outbox-sweep');
    expect(sweep).toContain(
      '--oidc-service-account-email=scheduler-invoker@p1.iam.gserviceaccount.com',
    );
    expect(sweep).toContain('--oidc-token-audience=https://scheduler.example');
  });
});
