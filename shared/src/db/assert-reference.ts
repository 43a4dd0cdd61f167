import { sql } from 'kysely';
import { AppError } from '../errors/app-error.ts';
import type { Trx } from './with-tenant.ts';

/** Tables a request body may point into by id, and how the body names that field. */
const REFERENCES = {
  projects: { field: 'projectId', noun: 'project' },
  repositories: { field: 'repositoryId', noun: 'repository' },
  teams: { field: 'teamId', noun: 'team' },
} as const;

/**
 * A body's reference (projectId, repositoryId, teamId) must name a row of the tenant:
 * otherwise 400 on that body field — the request is wrong, the resource it addresses is
 * not missing.
 */
export async function assertReferenceExists(
  trx: Trx,
  tenantId: string,
  table: keyof typeof REFERENCES,
  id: string | null | undefined,
) {
  if (!id) return;
  const { rows } = await sql`
    select 1 from ${sql.table(table)} where tenant_id = ${tenantId} and id = ${id}`.execute(trx);
  if (rows.length === 0) {
    const { field, noun } = REFERENCES[table];
    throw new AppError('validation_failed', `The ${noun} does not exist.`, {
      fieldErrors: [{ path: `body.${field}`, message: `unknown ${noun}` }],
    });
  }
}
