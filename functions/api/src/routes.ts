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

/** The public API: every family's routes, with /openapi.json and /docs describing them. */
export const apiRoutes: AnyRoute[] = [...familyRoutes, ...documentationRoutes(familyRoutes)];

/** What the long-running api variant mounts: the API, and the web dashboard at /. */
export const allRoutes: AnyRoute[] = [...apiRoutes, ...dashboardRoutes];

/** Every job kind, so that the local dispatcher of this one process can run them all. */
export { allJobs } from '@devctx/worker/jobs';
