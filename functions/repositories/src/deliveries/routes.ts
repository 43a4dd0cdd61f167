import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  enqueueJob,
  newestFirst,
  newestFirstPosition,
  notFound,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findRepository } from '../repositories/queries.ts';
import { processDeliveryJob } from './process-delivery-job.ts';

const tags = ['webhooks'];

const deliverySchema = z.object({
  id: z.uuid(),
  deliveryId: z.string().describe('GitHub’s X-GitHub-Delivery'),
  event: z.string(),
  status: z.enum(['queued', 'processed', 'ignored', 'failed']),
  byteSize: z.number().int(),
  summary: z.unknown().describe('What processing did: commits written, ref, forced, …'),
  error: z.string().nullable(),
  attempts: z.number().int(),
  receivedAt: z.iso.datetime(),
  processedAt: z.iso.datetime().nullable(),
  processingMs: z.number().int().nullable(),
});
const deliveryColumns = [
  'id',
  'delivery_id',
  'event',
  'status',
  'byte_size',
  'summary',
  'error',
  'attempts',
  'received_at',
  'processed_at',
  'processing_ms',
] as const;

type DeliveryRow = {
  id: string;
  delivery_id: string;
  event: string;
  status: 'queued' | 'processed' | 'ignored' | 'failed';
  byte_size: number;
  summary: unknown;
  error: string | null;
  attempts: number;
  received_at: Date;
  processed_at: Date | null;
  processing_ms: number | null;
};

const toDeliveryView = (row: DeliveryRow): z.infer<typeof deliverySchema> => ({
  id: row.id,
  deliveryId: row.delivery_id,
  event: row.event,
  status: row.status,
  byteSize: row.byte_size,
  summary: row.summary,
  error: row.error,
  attempts: row.attempts,
  receivedAt: row.received_at.toISOString(),
  processedAt: row.processed_at?.toISOString() ?? null,
  processingMs: row.processing_ms,
});

export const deliveryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/repositories/{id}/deliveries',
    summary: 'Webhook deliveries received for a repository, newest first',
    tags,
    permission: 'repositories:read',
    params: z.object({ id: z.uuid() }),
    query: pageQuery.extend({
      status: z.enum(['queued', 'processed', 'ignored', 'failed']).optional(),
      event: z.string().max(100).optional(),
    }),
    responses: {
      200: {
        description: 'A page of deliveries (without payloads)',
        schema: z.object({ items: z.array(deliverySchema), nextCursor: z.string().nullable() }),
      },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, tenantId, params.id);
        let q = trx
          .selectFrom('webhook_deliveries')
          .select(deliveryColumns)
          .where('tenant_id', '=', tenantId)
          .where('repository_id', '=', params.id);
        if (query.status) q = q.where('status', '=', query.status);
        if (query.event) q = q.where('event', '=', query.event);
        return newestFirst(q, { time: 'received_at', key: 'id' }, after, query.limit).execute();
      });
      return {
        body: toPage(rows, query.limit, (r) => newestFirstPosition(r, r.id), toDeliveryView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/repositories/{id}/deliveries/{deliveryId}/redeliver',
    summary: 'Process a stored delivery again (idempotent: known commits are not duplicated)',
    tags,
    permission: 'repositories:write',
    params: z.object({ id: z.uuid(), deliveryId: z.uuid() }),
    responses: {
      202: { description: 'Queued for processing', schema: deliverySchema },
      404: { description: 'No such repository or delivery' },
    },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, actor.tenantId, params.id);
        const updated = await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'queued', error: null })
          .where('tenant_id', '=', actor.tenantId)
          .where('repository_id', '=', params.id)
          .where('id', '=', params.deliveryId)
          .returning(deliveryColumns)
          .executeTakeFirst();
        if (!updated) throw notFound('delivery');
        await enqueueJob(
          trx,
          ctx.dispatcher,
          actor.tenantId,
          processDeliveryJob,
          { deliveryId: params.deliveryId },
          { createdBy: actor.userId },
        );
        return updated;
      });
      return { status: 202, body: toDeliveryView(row) };
    },
  }),
];
