import type { RepositoriesTable } from '@devctx/shared';
import type { Selectable } from 'kysely';
import { z } from 'zod';

/** Every column a client may see — the webhook secret envelopes are not among them. */
export const repositoryColumns = [
  'id',
  'provider',
  'full_name',
  'url',
  'default_branch',
  'project_id',
  'sync_enabled',
  'sync_interval_minutes',
  'github_token_hint',
  'last_synced_at',
  'previous_secret_expires_at',
  'rejected_deliveries',
  'created_at',
  'updated_at',
] as const;

type Row = Pick<Selectable<RepositoriesTable>, (typeof repositoryColumns)[number]>;

export const repositorySchema = z.object({
  id: z.uuid(),
  provider: z.enum(['github', 'gitlab', 'generic']),
  fullName: z.string(),
  url: z.string().nullable(),
  defaultBranch: z.string(),
  projectId: z.uuid().nullable(),
  sync: z.object({
    enabled: z.boolean(),
    intervalMinutes: z.number().int(),
    githubToken: z
      .object({ endsWith: z.string().describe('Its last four characters.') })
      .nullable()
      .describe('The GitHub token sync uses, if one is set; the token itself is never shown.'),
    lastSyncedAt: z.iso.datetime().nullable(),
  }),
  webhook: z.object({
    url: z.string().describe('Where GitHub delivers this repository’s events.'),
    previousSecretValidUntil: z.iso
      .datetime()
      .nullable()
      .describe('After a rotation the old secret is still accepted until then.'),
    rejectedDeliveries: z.number().int().describe('Deliveries refused for a bad signature.'),
  }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

export function toRepositoryView(row: Row): z.infer<typeof repositorySchema> {
  const graceEnds = row.previous_secret_expires_at;
  return {
    id: row.id,
    provider: row.provider,
    fullName: row.full_name,
    url: row.url,
    defaultBranch: row.default_branch,
    projectId: row.project_id,
    sync: {
      enabled: row.sync_enabled,
      intervalMinutes: row.sync_interval_minutes,
      githubToken: row.github_token_hint ? { endsWith: row.github_token_hint } : null,
      lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
    },
    webhook: {
      url: `/v1/webhooks/github/${row.id}`,
      previousSecretValidUntil:
        graceEnds && graceEnds > new Date() ? graceEnds.toISOString() : null,
      rejectedDeliveries: Number(row.rejected_deliveries),
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
