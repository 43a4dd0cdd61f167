import type { Trx } from '@devctx/shared';
import { findProject } from '../projects/queries.ts';
import { phasesOf } from './phases.ts';
import { insertPlan, lastPlanVersion } from './queries.ts';

/** Saves the plan as the project's next version; the older versions stay readable. */
export async function savePlan(
  trx: Trx,
  tenantId: string,
  projectId: string,
  userId: string,
  markdown: string,
) {
  // The project row lock numbers concurrent saves one after the other.
  await findProject(trx, tenantId, projectId, true);
  const version = (await lastPlanVersion(trx, tenantId, projectId)) + 1;
  return insertPlan(trx, tenantId, {
    projectId,
    version,
    markdown,
    phases: phasesOf(markdown),
    createdBy: userId,
  });
}
