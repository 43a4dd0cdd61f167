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

export async function assertProjectExists(
  trx: Trx,
  tenantId: string,
  projectId: string | null | undefined,
) {
  if (!projectId) return;
  const project = await trx
    .selectFrom('projects')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', projectId)
    .executeTakeFirst();
  if (!project) {
    throw new AppError('validation_failed', 'The project does not exist.', {
      fieldErrors: [{ path: 'body.projectId', message: 'unknown project' }],
    });
  }
}
