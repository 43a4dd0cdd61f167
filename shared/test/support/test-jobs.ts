import { z } from 'zod';
import { AppError, defineJob, PermanentJobError } from '../../src/index.ts';

/**
 * Jobs for tests of the job machinery. Their effect is an audit-log row, so a test can
 * count exactly how often a job's work was done.
 */
export const noteJob = defineJob({
  kind: 'test.note',
  queue: 'test',
  payload: z.object({ text: z.string() }),
  run: async (ctx, payload, trx) => {
    await trx
      .insertInto('audit_log')
      .values({
        tenant_id: ctx.tenantId,
        action: 'test.note',
        target_id: ctx.jobId,
        details: JSON.stringify(payload),
      })
      .execute();
    return { noted: payload.text };
  },
});

export const flakyJob = defineJob({
  kind: 'test.flaky',
  queue: 'test',
  payload: z.object({ failures: z.number().int() }),
  maxAttempts: 5,
  run: async (ctx, payload, trx) => {
    if (ctx.attempt <= payload.failures)
      throw new Error(`failure ${ctx.attempt} of ${payload.failures}`);
    await trx
      .insertInto('audit_log')
      .values({ tenant_id: ctx.tenantId, action: 'test.flaky', target_id: ctx.jobId })
      .execute();
  },
});

export const doomedJob = defineJob({
  kind: 'test.doomed',
  queue: 'test',
  payload: z.object({}),
  maxAttempts: 3,
  run: async () => {
    throw new Error('this never works');
  },
  onDead: async (ctx, _payload, trx) => {
    await trx
      .insertInto('audit_log')
      .values({ tenant_id: ctx.tenantId, action: 'test.doomed.dead', target_id: ctx.jobId })
      .execute();
  },
});

/** Refused the way a quota refuses: a client's error, which retrying cannot change. */
export const refusedJob = defineJob({
  kind: 'test.refused',
  queue: 'test',
  payload: z.object({}),
  run: async () => {
    throw new AppError('quota_exceeded', 'Your tier allows 10 messages; this would exceed it.');
  },
});

export const unreadableJob = defineJob({
  kind: 'test.unreadable',
  queue: 'test',
  payload: z.object({}),
  run: async () => {
    throw new PermanentJobError('The upload is not a transcript.');
  },
});

export const testJobs = [noteJob, flakyJob, doomedJob, refusedJob, unreadableJob];
