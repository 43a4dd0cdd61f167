import { type AnyJob, type AnyRoute, defineRoute, JobRegistry, runJob } from '@devctx/shared';
import { z } from 'zod';

const outcomeSchema = z.object({
  outcome: z.enum(['succeeded', 'duplicate', 'retry', 'dead']),
  attempt: z.number().int().optional(),
});

/**
 * POST /tasks/{kind}: the Cloud Tasks target. Answers 2xx when the job is done (succeeded,
 * already done, or dead — retrying those would not help), and 503 when Cloud Tasks should
 * deliver it again. Each job runs in its own tenant's transaction.
 */
export function workerRoutes(jobs: AnyJob[]): AnyRoute[] {
  const registry = new JobRegistry(jobs);
  return [
    defineRoute({
      method: 'POST',
      path: '/tasks/{kind}',
      summary: 'Run one delivery of a background job (Cloud Tasks target)',
      tags: ['internal'],
      permission: null,
      caller: 'internal',
      rateLimit: false,
      params: z.object({ kind: z.string().max(100) }),
      body: z.object({ tenantId: z.uuid(), jobId: z.uuid() }),
      responses: {
        200: {
          description: 'Done: succeeded, a duplicate delivery, or dead',
          schema: outcomeSchema,
        },
        503: { description: 'Failed this time; deliver again later' },
      },
      handler: async (ctx, { params, body }) => {
        const result = await runJob(
          ctx.db,
          registry,
          { tenantId: body.tenantId, id: body.jobId, kind: params.kind },
          ctx.log,
          ctx.config,
        );
        if (result.outcome === 'retry') {
          const seconds = Math.max(1, Math.round((result.retryAt.getTime() - Date.now()) / 1000));
          return {
            status: 503,
            body: { outcome: 'retry', attempt: result.attempt },
            headers: { 'retry-after': String(seconds) },
          };
        }
        return {
          body: {
            outcome: result.outcome,
            ...('attempt' in result ? { attempt: result.attempt } : {}),
          },
        };
      },
    }),
  ];
}
