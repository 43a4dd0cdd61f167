import { randomBytes } from 'node:crypto';
import type { SecretBox } from '@devctx/shared';

/** How long a rotated-out secret keeps verifying deliveries (GitHub's settings lag). */
export const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

/** A new webhook secret: 32 random bytes, shown to the user once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Binds an envelope to its row: copied into another repository, it does not open. */
export const secretContext = (tenantId: string, repositoryId: string) =>
  `webhook-secret:${tenantId}:${repositoryId}`;

export function sealWebhookSecret(
  box: SecretBox,
  tenantId: string,
  repositoryId: string,
  secret: string,
) {
  return box.seal(secret, secretContext(tenantId, repositoryId));
}
