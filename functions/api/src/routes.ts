import { contextRoutes } from '@devctx/context/routes';
import { webhookRoutes } from '@devctx/git-webhooks/routes';
import { identityRoutes } from '@devctx/identity/routes';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoriesRoutes } from '@devctx/repositories/routes';
import { type AnyRoute, documentationRoutes, healthRoutes } from '@devctx/shared';
import { dashboardRoutes } from './dashboard.ts';

const familyRoutes: AnyRoute[] = [
  ...healthRoutes,
  ...identityRoutes,
  ...projectsRoutes,
  ...contextRoutes,
  ...repositoriesRoutes,
  ...webhookRoutes,
];

/**
 * Every family's route table, mounted together by the long-running api variant, with the
 * web dashboard at / (not part of the API document).
 */
export const allRoutes: AnyRoute[] = [
  ...familyRoutes,
  ...documentationRoutes(familyRoutes),
  ...dashboardRoutes,
];

/** Every job kind, so that the local dispatcher of this one process can run them all. */
export { allJobs } from '@devctx/worker/jobs';
