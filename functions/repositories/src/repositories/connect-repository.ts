import { randomUUID } from 'node:crypto';
import type { SecretBox, Trx } from '@devctx/shared';
import { insertRepository } from './queries.ts';
import { newWebhookSecret, sealGithubToken, sealWebhookSecret } from './sealed-secrets.ts';

export interface RepositoryToConnect {
  provider: 'github' | 'gitlab' | 'generic';
  /** owner/name */
  fullName: string;
  url?: string | null | undefined;
  projectId?: string | null | undefined;
  /** A GitHub token for sync, kept sealed and never shown again. */
  githubToken?: string | null | undefined;
  /** Left out: main. */
  defaultBranch?: string | undefined;
  /** Left out: no scheduled sync. */
  syncEnabled?: boolean | undefined;
  /** Left out: 60. */
  syncIntervalMinutes?: number | undefined;
}

/**
 * Connects a repository, in the caller's transaction: the one way a repository is made.
 * Its webhook secret is generated here and stored sealed, bound to the new row; it is
 * returned so the caller can show it once (or never). The row counts against the tier's
 * repository limit: past it the insert fails with SQLSTATE DC001 (quota_exceeded), and a
 * repository already connected under the same provider and name fails the unique index
 * (conflict). Checking the project and auditing are the caller's.
 */
export async function connectRepository(
  trx: Trx,
  box: SecretBox,
  tenantId: string,
  input: RepositoryToConnect,
) {
  const id = randomUUID();
  const webhookSecret = newWebhookSecret();
  const repository = await insertRepository(trx, tenantId, {
    id,
    provider: input.provider,
    fullName: input.fullName,
    url: input.url ?? null,
    projectId: input.projectId ?? null,
    webhookSecret: sealWebhookSecret(box, tenantId, id, webhookSecret),
    githubToken: sealGithubToken(box, tenantId, id, input.githubToken ?? null),
    defaultBranch: input.defaultBranch,
    syncEnabled: input.syncEnabled,
    syncIntervalMinutes: input.syncIntervalMinutes,
  });
  return { repository, webhookSecret };
}
