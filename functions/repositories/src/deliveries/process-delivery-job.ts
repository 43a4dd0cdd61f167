import { defineJob } from '@devctx/shared';
import { z } from 'zod';
import { upsertCommits } from '../commits/upsert-commits.ts';
import { PayloadError, parseDeliveryPayload, readPushEvent } from './github-events.ts';

/**
 * Processes one recorded GitHub delivery: `ping` is acknowledged, `push` writes its commits
 * (idempotently, so a redelivery or a replayed job changes nothing), anything else is
 * recorded as ignored. A payload that cannot be read fails the delivery at once (retrying
 * would not help); database trouble is retried by the job runner.
 */
export const processDeliveryJob = defineJob({
  kind: 'repositories.process-delivery',
  queue: 'webhooks',
  payload: z.object({ deliveryId: z.uuid() }),
  maxAttempts: 8,
  run: async (ctx, { deliveryId }, trx) => {
    const started = performance.now();
    const delivery = await trx
      .selectFrom('webhook_deliveries')
      .select(['repository_id', 'event', 'content_type', 'payload', 'attempts'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', deliveryId)
      .forUpdate()
      .executeTakeFirst();
    if (!delivery) return { skipped: 'the delivery is gone (repository disconnected?)' };

    let status: 'processed' | 'ignored' | 'failed' = 'processed';
    let summary: Record<string, unknown> = {};
    let error: string | null = null;
    try {
      if (delivery.event === 'ping') {
        summary = { pong: true };
      } else if (delivery.event === 'push') {
        const push = readPushEvent(parseDeliveryPayload(delivery.content_type, delivery.payload));
        const written = push.deleted
          ? { inserted: 0, updated: 0, linkedTasks: 0, closedTasks: 0 }
          : await upsertCommits(trx, ctx.tenantId, delivery.repository_id, push.commits, 'webhook');
        summary = {
          ref: push.ref,
          branch: push.branch,
          tag: push.tag,
          created: push.created,
          deleted: push.deleted,
          forced: push.forced,
          before: push.before,
          after: push.after,
          commits: push.commits.length,
          ...written,
        };
      } else {
        status = 'ignored';
      }
    } catch (thrown) {
      if (!(thrown instanceof PayloadError)) throw thrown;
      status = 'failed';
      error = thrown.message;
    }
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status,
        summary: JSON.stringify(summary),
        error,
        attempts: delivery.attempts + 1,
        processed_at: new Date(),
        processing_ms: Math.round(performance.now() - started),
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', deliveryId)
      .execute();
    return { status, ...summary };
  },
});
