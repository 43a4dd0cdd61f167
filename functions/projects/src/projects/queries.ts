import { AppError, notFound, type Trx } from '@devctx/shared';
import { projectColumns } from './representation.ts';

export async function findProject(trx: Trx, tenantId: string, projectId: string, lock = false) {
  let query = trx
    .selectFrom('projects')
    .select(projectColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', projectId);
  if (lock) query = query.forUpdate();
  const project = await query.executeTakeFirst();
  if (!project) throw notFound('project');
  return project;
}

export async function assertSlugFree(trx: Trx, tenantId: string, slug: string) {
  const taken = await trx
    .selectFrom('projects')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (taken) {
    throw new AppError('conflict', `A project with the slug ${slug} exists.`, {
      fieldErrors: [{ path: 'body.slug', message: 'already taken' }],
    });
  }
}
