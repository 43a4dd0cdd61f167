import type { Trx } from '@devctx/shared';
import type { Phase } from './phases.ts';
import { planColumns } from './representation.ts';

/** Every version of a project's plan, newest first. */
export function listPlans(trx: Trx, tenantId: string, projectId: string) {
  return trx
    .selectFrom('project_plans')
    .select(planColumns)
    .where('tenant_id', '=', tenantId)
    .where('project_id', '=', projectId)
    .orderBy('version', 'desc')
    .execute();
}

export function findPlanVersion(trx: Trx, tenantId: string, projectId: string, version: number) {
  return trx
    .selectFrom('project_plans')
    .select(planColumns)
    .where('tenant_id', '=', tenantId)
    .where('project_id', '=', projectId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** The newest version number, 0 when the project has no plan yet. */
export async function lastPlanVersion(trx: Trx, tenantId: string, projectId: string) {
  const last = await trx
    .selectFrom('project_plans')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('tenant_id', '=', tenantId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  return last?.version ?? 0;
}

export function insertPlan(
  trx: Trx,
  tenantId: string,
  plan: {
    projectId: string;
    version: number;
    markdown: string;
    phases: Phase[];
    createdBy: string;
  },
) {
  return trx
    .insertInto('project_plans')
    .values({
      tenant_id: tenantId,
      project_id: plan.projectId,
      version: plan.version,
      markdown: plan.markdown,
      phases: JSON.stringify(plan.phases),
      created_by: plan.createdBy,
    })
    .returning(planColumns)
    .executeTakeFirstOrThrow();
}
