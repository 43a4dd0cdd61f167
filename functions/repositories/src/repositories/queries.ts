import { type Cursor, notFound, type Trx } from '@devctx/shared';
import { repositoryColumns } from './representation.ts';

export async function findRepository(trx: Trx, tenantId: string, id: string, lock = false) {
  let query = trx
    .selectFrom('repositories')
    .select(repositoryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('repository');
  return row;
}

/** The tenant's repositories by id, optionally of one project, after the cursor's. */
export function listRepositories(
  trx: Trx,
  tenantId: string,
  filter: { projectId?: string | undefined },
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('repositories')
    .select(repositoryColumns)
    .where('tenant_id', '=', tenantId);
  if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
  if (after) query = query.where('id', '>', after.id);
  return query
    .orderBy('id')
    .limit(limit + 1)
    .execute();
}

/**
 * Inserts a repository with its sealed webhook secret; the settings left out take the
 * table's defaults (main, no sync, every 60 minutes). The insert counts against the tier's
 * repository limit (a trigger; SQLSTATE DC001 past it), and a second repository of the
 * same provider and name (case-insensitive) violates a unique index.
 */
export function insertRepository(
  trx: Trx,
  tenantId: string,
  repository: {
    id: string;
    provider: 'github' | 'gitlab' | 'generic';
    fullName: string;
    url: string | null;
    projectId: string | null;
    webhookSecret: Buffer;
    githubToken: { github_token: Buffer | null; github_token_hint: string | null };
    defaultBranch?: string | undefined;
    syncEnabled?: boolean | undefined;
    syncIntervalMinutes?: number | undefined;
  },
) {
  const { defaultBranch, syncEnabled, syncIntervalMinutes } = repository;
  return trx
    .insertInto('repositories')
    .values({
      tenant_id: tenantId,
      id: repository.id,
      provider: repository.provider,
      full_name: repository.fullName,
      url: repository.url,
      project_id: repository.projectId,
      webhook_secret: repository.webhookSecret,
      ...repository.githubToken,
      ...(defaultBranch !== undefined ? { default_branch: defaultBranch } : {}),
      ...(syncEnabled !== undefined ? { sync_enabled: syncEnabled } : {}),
      ...(syncIntervalMinutes !== undefined ? { sync_interval_minutes: syncIntervalMinutes } : {}),
    })
    .returning(repositoryColumns)
    .executeTakeFirstOrThrow();
}

/** Sets the given columns (from a body, through changedColumns) of one repository. */
export function updateRepository(
  trx: Trx,
  tenantId: string,
  id: string,
  changes: Record<string, unknown>,
) {
  return trx
    .updateTable('repositories')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(repositoryColumns)
    .executeTakeFirstOrThrow();
}

/**
 * Replaces the webhook secret; the one it replaces keeps verifying deliveries until
 * `previousExpiresAt`.
 */
export function replaceWebhookSecret(
  trx: Trx,
  tenantId: string,
  id: string,
  webhookSecret: Buffer,
  previousExpiresAt: Date,
) {
  return trx
    .updateTable('repositories')
    .set((eb) => ({
      previous_webhook_secret: eb.ref('webhook_secret'),
      previous_secret_expires_at: previousExpiresAt,
      webhook_secret: webhookSecret,
    }))
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .returning(repositoryColumns)
    .executeTakeFirstOrThrow();
}

/** Its commits, deliveries and sync events go with it (foreign keys cascade). */
export async function deleteRepository(trx: Trx, tenantId: string, id: string) {
  await trx
    .deleteFrom('repositories')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .execute();
}
