import {
  actorOf,
  actorScope,
  enqueueJob,
  notFound,
  type RequestContext,
  withTenant,
} from '@devctx/shared';
import { findRepository } from '../repositories/queries.ts';
import { processDeliveryJob } from './process-delivery-job.ts';
import { requeueDelivery } from './queries.ts';

/**
 * Processes a stored delivery again, in the background. Safe to repeat: commits already
 * written are not duplicated.
 */
export async function redeliver(ctx: RequestContext, repositoryId: string, deliveryId: string) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    await findRepository(trx, actor.tenantId, repositoryId);
    const updated = await requeueDelivery(trx, actor.tenantId, repositoryId, deliveryId);
    if (!updated) throw notFound('delivery');
    await enqueueJob(
      trx,
      ctx.dispatcher,
      actor.tenantId,
      processDeliveryJob,
      { deliveryId },
      { createdBy: actor.userId },
    );
    return updated;
  });
}
