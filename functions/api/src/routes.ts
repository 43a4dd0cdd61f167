import { type AnyRoute, documentationRoutes, healthRoutes } from '@devctx/shared';
import { families } from '../../families.ts';
import { dashboardRoutes } from './dashboard.ts';

const familyRoutes: AnyRoute[] = [...healthRoutes, ...families.flatMap((f) => f.routes)];

/** The public API: every family's routes, with /openapi.json and /docs describing them. */
export const apiRoutes: AnyRoute[] = [...familyRoutes, ...documentationRoutes(familyRoutes)];

/** What the long-running api variant mounts: the API, and the web dashboard at /. */
export const allRoutes: AnyRoute[] = [...apiRoutes, ...dashboardRoutes];

/** Every job kind, so that the local dispatcher of this one process can run them all. */
export { allJobs } from '../../families.ts';
