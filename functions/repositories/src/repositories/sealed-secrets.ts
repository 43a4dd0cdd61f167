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

/** A repository's GitHub token is bound to its row in the same way. */
export const githubTokenContext = (tenantId: string, repositoryId: string) =>
  `github-token:${tenantId}:${repositoryId}`;

/** The sealed token and its hint (its last four characters), as the row keeps them. */
export function sealGithubToken(
  box: SecretBox,
  tenantId: string,
  repositoryId: string,
  token: string | null,
) {
  return {
    github_token:
      token === null ? null : box.seal(token, githubTokenContext(tenantId, repositoryId)),
    github_token_hint: token === null ? null : token.slice(-4),
  };
}

export function sealWebhookSecret(
  box: SecretBox,
  tenantId: string,
  repositoryId: string,
  secret: string,
) {
  return box.seal(secret, secretContext(tenantId, repositoryId));
}
