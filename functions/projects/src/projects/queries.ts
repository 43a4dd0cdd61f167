import { AppError, type Cursor, containsPattern, notFound, type Trx } from '@devctx/shared';
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

export interface ProjectFilter {
  status?: 'active' | 'archived' | undefined;
  teamId?: string | undefined;
  /** Part of the name or slug. */
  q?: string | undefined;
}

/** Projects by slug (unique per tenant, so the keyset is exact), after the cursor's. */
export function listProjects(
  trx: Trx,
  tenantId: string,
  filter: ProjectFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx.selectFrom('projects').select(projectColumns).where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.teamId) query = query.where('team_id', '=', filter.teamId);
  if (filter.q) {
    const pattern = containsPattern(filter.q);
    query = query.where((eb) =>
      eb.or([eb('name', 'ilike', pattern), eb('slug', 'ilike', pattern)]),
    );
  }
  if (after) query = query.where('slug', '>', after.after);
  return query
    .orderBy('slug')
    .limit(limit + 1)
    .execute();
}

export function insertProject(
  trx: Trx,
  tenantId: string,
  project: {
    slug: string;
    name: string;
    description: string;
    teamId: string | null;
    createdBy: string;
  },
) {
  return trx
    .insertInto('projects')
    .values({
      tenant_id: tenantId,
      slug: project.slug,
      name: project.name,
      description: project.description,
      team_id: project.teamId,
      created_by: project.createdBy,
    })
    .returning(projectColumns)
    .executeTakeFirstOrThrow();
}

/** Sets what `changes` names, and nothing else. */
export function updateProject(
  trx: Trx,
  tenantId: string,
  projectId: string,
  changes: {
    name?: string | undefined;
    description?: string | undefined;
    status?: 'active' | 'archived' | undefined;
    teamId?: string | null | undefined;
  },
) {
  const { teamId, ...rest } = changes;
  return trx
    .updateTable('projects')
    .set({ ...rest, ...(teamId !== undefined ? { team_id: teamId } : {}) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', projectId)
    .returning(projectColumns)
    .executeTakeFirstOrThrow();
}

/** Its plans and task lists go with it (foreign keys cascade). */
export async function deleteProject(trx: Trx, tenantId: string, projectId: string) {
  await trx
    .deleteFrom('projects')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', projectId)
    .execute();
}
