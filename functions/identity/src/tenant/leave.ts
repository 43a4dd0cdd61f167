import {
  AppError,
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { tenantColumns, toTenantView } from './representation.ts';

/** How long a tenant scheduled for deletion stays, read-only and restorable. */
export const DELETION_DAYS = 30;

export const leaveQuery = z.object({
  confirm: z.string().max(63).describe('The tenant’s slug, typed again: deleting is not a click.'),
});

/**
 * Schedules the tenant's deletion in 30 days. Until then it is read-only for everyone
 * (owners may still export and restore it); then the scheduler deletes every row and
 * stored object of it.
 */
export async function scheduleDeletion(ctx: RequestContext, confirm: string) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const tenant = await trx
      .selectFrom('tenants')
      .select(['slug', 'deletion_due_at'])
      .where('id', '=', actor.tenantId)
      .forUpdate()
      .executeTakeFirst();
    if (!tenant) throw notFound('tenant');
    if (confirm !== tenant.slug)
      throw new AppError('validation_failed', 'Type the tenant’s slug to confirm.', {
        fieldErrors: [{ path: 'query.confirm', message: `must be "${tenant.slug}"` }],
      });
    const now = new Date();
    const updated = await trx
      .updateTable('tenants')
      .set({
        deletion_requested_at: tenant.deletion_due_at ? undefined : now,
        deletion_due_at:
          tenant.deletion_due_at ?? new Date(now.getTime() + DELETION_DAYS * 86_400_000),
      })
      .where('id', '=', actor.tenantId)
      .returning(tenantColumns)
      .executeTakeFirstOrThrow();
    if (!tenant.deletion_due_at)
      await recordAudit(trx, ctx, actor.tenantId, {
        action: 'tenant.deletion_scheduled',
        targetType: 'tenant',
        targetId: actor.tenantId,
        details: { dueAt: updated.deletion_due_at?.toISOString() },
      });
    return toTenantView(updated);
  });
}

/** Undoes a scheduled deletion: the tenant is writable again. */
export async function restoreTenant(ctx: RequestContext) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    const tenant = await trx
      .selectFrom('tenants')
      .select(['deletion_due_at', sql<boolean>`deletion_due_at <= now()`.as('due')])
      .where('id', '=', actor.tenantId)
      .forUpdate()
      .executeTakeFirst();
    if (!tenant?.deletion_due_at)
      throw new AppError('conflict', 'The tenant is not scheduled for deletion.');
    // Past its day (by the database's clock, as the purge reads it), the purge may have
    // begun with the stored objects: too late.
    if (tenant.due)
      throw new AppError(
        'conflict',
        'The deletion has begun: the tenant can no longer be restored.',
      );
    const restored = await trx
      .updateTable('tenants')
      .set({ deletion_requested_at: null, deletion_due_at: null })
      .where('id', '=', actor.tenantId)
      .returning(tenantColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'tenant.restored',
      targetType: 'tenant',
      targetId: actor.tenantId,
    });
    return toTenantView(restored);
  });
}
