import {
  AppError,
  actorOf,
  actorScope,
  afterCommit,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { lockJob, requeueJob } from './queries.ts';

/**
 * Runs a dead job again, with a fresh set of attempts; it is handed to the dispatcher once
 * the transaction has committed. Only dead jobs: the others are still being tried.
 */
export async function retryJob(ctx: RequestContext, jobId: string) {
  const tenantId = actorOf(ctx).tenantId;
  return withTenant(actorScope(ctx), async (trx) => {
    const current = await lockJob(trx, tenantId, jobId);
    if (!current) throw notFound('job');
    if (current.state !== 'dead')
      throw new AppError(
        'conflict',
        `Only dead jobs can be retried; this one is ${current.state}.`,
      );
    const updated = await requeueJob(trx, tenantId, jobId);
    await recordAudit(trx, ctx, tenantId, {
      action: 'job.retried',
      targetType: 'job',
      targetId: jobId,
      details: { kind: current.kind },
    });
    // A new generation: a new Cloud Tasks task, not the finished one's blocked name.
    afterCommit(trx, () =>
      ctx.dispatcher.dispatch({
        tenantId,
        id: jobId,
        kind: current.kind,
        generation: updated.generation,
      }),
    );
    return updated;
  });
}
