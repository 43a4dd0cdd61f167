import { type AnyRoute, AppError, defineRoute } from '@devctx/shared';
import { z } from 'zod';
import { exclusively } from './exclusively.ts';
import { scheduledJobs } from './scheduled-jobs.ts';

const byName = new Map(scheduledJobs.map((job) => [job.name, job]));

/** POST /jobs/{name}: Cloud Scheduler's target. Overlapping runs of one job do the work once. */
export const schedulerRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/jobs/{name}',
    summary: 'Run a scheduled job now (Cloud Scheduler target)',
    tags: ['internal'],
    permission: null,
    caller: 'internal',
    rateLimit: false,
    params: z.object({ name: z.string().max(100) }),
    responses: {
      200: { description: 'Ran, or stepped aside for a run already in progress' },
      404: { description: 'No such job' },
    },
    handler: async (ctx, { params }) => {
      const job = byName.get(params.name);
      if (!job) throw new AppError('not_found', `There is no scheduled job ${params.name}.`);
      const started = Date.now();
      const outcome = await exclusively(ctx.db, job.name, () => job.run(ctx));
      ctx.log.info('scheduled job', { job: job.name, ...outcome, ms: Date.now() - started });
      return { body: { job: job.name, ...outcome } };
    },
  }),
];
