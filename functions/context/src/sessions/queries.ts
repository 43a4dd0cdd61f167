import { AppError, notFound, type Trx } from '@devctx/shared';
import { sessionColumns } from './representation.ts';

export async function findSession(trx: Trx, tenantId: string, sessionId: string) {
  const row = await trx
    .selectFrom('ai_sessions')
    .select(sessionColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) throw notFound('session');
  return row;
}

/** A body's repositoryId must name a repository of the tenant (400 on body.repositoryId). */
export async function assertRepositoryExists(
  trx: Trx,
  tenantId: string,
  repositoryId: string | null | undefined,
) {
  if (!repositoryId) return;
  const found = await trx
    .selectFrom('repositories')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', repositoryId)
    .executeTakeFirst();
  if (!found) {
    throw new AppError('validation_failed', 'The repository does not exist.', {
      fieldErrors: [{ path: 'body.repositoryId', message: 'unknown repository' }],
    });
  }
}
