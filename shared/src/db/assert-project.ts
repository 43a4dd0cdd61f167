import { AppError } from '../errors/app-error.ts';
import type { Trx } from './with-tenant.ts';

/** A body's projectId must name a project of the tenant (400 on body.projectId, not 404). */
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
