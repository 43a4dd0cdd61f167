import {
  actorOf,
  actorScope,
  type RequestContext,
  recordAudit,
  secretBoxFor,
  withTenant,
} from '@devctx/shared';
import { findRepository, replaceWebhookSecret } from './queries.ts';
import { newWebhookSecret, ROTATION_GRACE_MS, sealWebhookSecret } from './sealed-secrets.ts';

/**
 * A new webhook secret for the repository, returned once (only its envelope is stored);
 * the old one keeps verifying deliveries for ROTATION_GRACE_MS.
 */
export async function rotateWebhookSecret(ctx: RequestContext, repositoryId: string) {
  const actor = actorOf(ctx);
  const box = await secretBoxFor(ctx.config);
  const secret = newWebhookSecret();
  const repository = await withTenant(actorScope(ctx), async (trx) => {
    await findRepository(trx, actor.tenantId, repositoryId, true);
    const updated = await replaceWebhookSecret(
      trx,
      actor.tenantId,
      repositoryId,
      sealWebhookSecret(box, actor.tenantId, repositoryId, secret),
      new Date(Date.now() + ROTATION_GRACE_MS),
    );
    await recordAudit(trx, ctx, actor.tenantId, {
      action: 'repository.webhook_secret_rotated',
      targetType: 'repository',
      targetId: repositoryId,
      details: {},
    });
    return updated;
  });
  return { repository, webhookSecret: secret };
}
