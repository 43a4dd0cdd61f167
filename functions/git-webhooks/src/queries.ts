import type { Db, Trx } from '@devctx/shared';
import { sql } from 'kysely';

/**
 * The repositories with this id — their tenant and webhook secrets (the previous one while
 * its grace period lasts) — through the narrow cross-tenant function webhook_target: the
 * one lookup allowed before the signature is verified. Ids are unique within a tenant;
 * an imported tenant keeps its ids, so two tenants may share one, and the signature then
 * says whose delivery it is.
 */
export async function webhookTargets(db: Db, repositoryId: string) {
  const { rows } = await sql<{
    tenant_id: string;
    webhook_secret: Buffer;
    previous_webhook_secret: Buffer | null;
  }>`select * from webhook_target(${repositoryId})`.execute(db);
  return rows;
}

/** Counts a delivery whose signature failed: all that is kept of it. */
export async function countRejectedDelivery(db: Db, repositoryId: string) {
  await sql`select webhook_rejected(${repositoryId})`.execute(db);
}

/** Records a delivery once per (repository, X-GitHub-Delivery); undefined when it was already. */
export function insertDelivery(
  trx: Trx,
  tenantId: string,
  delivery: {
    repositoryId: string;
    deliveryId: string;
    event: string;
    contentType: string;
    payload: Buffer;
  },
) {
  return trx
    .insertInto('webhook_deliveries')
    .values({
      tenant_id: tenantId,
      repository_id: delivery.repositoryId,
      delivery_id: delivery.deliveryId,
      event: delivery.event,
      content_type: delivery.contentType,
      payload: delivery.payload,
      byte_size: delivery.payload.length,
      summary: null,
      error: null,
      processed_at: null,
      processing_ms: null,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'repository_id', 'delivery_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

/** The delivery recorded earlier under this X-GitHub-Delivery. */
export function findDelivery(trx: Trx, tenantId: string, repositoryId: string, deliveryId: string) {
  return trx
    .selectFrom('webhook_deliveries')
    .select(['id', 'event'])
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId)
    .where('delivery_id', '=', deliveryId)
    .executeTakeFirstOrThrow();
}
