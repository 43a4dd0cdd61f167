import { type Cursor, newestFirst, type Trx } from '@devctx/shared';

/** Every column a client may see: not the payload. */
export const deliveryColumns = [
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

export interface DeliveryFilter {
  status?: 'queued' | 'processed' | 'ignored' | 'failed' | undefined;
  event?: string | undefined;
}

/** A repository's deliveries, newest first, after the cursor's. */
export function listDeliveries(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  filter: DeliveryFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('webhook_deliveries')
    .select(deliveryColumns)
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.event) query = query.where('event', '=', filter.event);
  return newestFirst(query, { time: 'received_at', key: 'id' }, after, limit).execute();
}

/** Queued again, its last error cleared; undefined when the repository has no such delivery. */
export function requeueDelivery(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  deliveryId: string,
) {
  return trx
    .updateTable('webhook_deliveries')
    .set({ status: 'queued', error: null })
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId)
    .where('id', '=', deliveryId)
    .returning(deliveryColumns)
    .executeTakeFirst();
}
