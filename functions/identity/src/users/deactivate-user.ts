import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { revokeSessions } from '../auth/sessions.ts';
import { assertOwnerRemains } from '../roles/queries.ts';

/**
 * Deactivates (never deletes: their history stays attributed). Their sessions and API keys
 * are revoked in the same transaction, and the seat is freed. The last owner stays.
 */
export async function deactivateUser(ctx: RequestContext, userId: string) {
  const actor = actorOf(ctx);
  const tenantId = actor.tenantId;
  await withTenant(actorScope(ctx), async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'status'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    if (user.status === 'deactivated') return;
    await assertOwnerRemains(trx, tenantId, userId);
    await trx
      .updateTable('users')
      .set({ status: 'deactivated' })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .execute();
    await revokeSessions(trx, tenantId, { userId }, 'user_deactivated');
    await trx
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.deactivated',
      targetType: 'user',
      targetId: userId,
    });
  });
}
