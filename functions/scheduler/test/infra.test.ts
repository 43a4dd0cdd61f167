import { describe, expect, it } from 'vitest';
import { deployInputs } from '../../../infra/deploy/inputs.ts';
import { schedules, taskAndScheduleCommands } from '../../../infra/deploy/tasks-and-schedules.ts';
import { scheduledJobs } from '../src/scheduled-jobs.ts';

// Queues and the names behind them are checked with the rest of the deployment
// (infra/test/consistency.test.ts); here, that Cloud Scheduler runs what the code declares.
describe('infra files', () => {
  it('schedule exactly the scheduler’s jobs, at the schedules the code declares', () => {
    const declared = scheduledJobs.map((j) => ({ name: j.name, schedule: j.schedule }));
    const applied = schedules().jobs.map((j) => ({ name: j.name, schedule: j.schedule }));
    expect(applied).toEqual(declared);
  });

  it('turn into gcloud commands that call the scheduler with an OIDC token for its URL', () => {
    const inputs = deployInputs.parse({
      projectId: 'p1-devctx',
      projectNumber: '4242424242',
      region: 'europe-west1',
      domain: 'example.com',
      instance: 'devctx',
      database: 'devctx',
      imageTag: 't',
    });
    const sweep = taskAndScheduleCommands(inputs)
      .map((c) => c.join(' '))
      .find((c) => c.includes('devctx-outbox-sweep'));
    const url = 'https://scheduler-4242424242.europe-west1.run.app';
    expect(sweep).toContain(`--uri=${url}/jobs/outbox-sweep`);
    expect(sweep).toContain(
      '--oidc-service-account-email=devctx-scheduler-invoker@p1-devctx.iam.gserviceaccount.com',
    );
    expect(sweep).toContain(`--oidc-token-audience=${url}`);
  });
});
