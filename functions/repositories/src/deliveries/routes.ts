import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  newestFirstPosition,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findRepository } from '../repositories/queries.ts';
import { listDeliveries } from './queries.ts';
import { redeliver } from './redeliver.ts';

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
      const after = decodeCursor(query.cursor, { after: 'instant' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, tenantId, params.id);
        return listDeliveries(trx, tenantId, params.id, query, query.limit, after);
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
    handler: async (ctx, { params }) => ({
      status: 202,
      body: toDeliveryView(await redeliver(ctx, params.id, params.deliveryId)),
    }),
  }),
];
