import { defineFamily } from '@devctx/shared';
import { projectsRoutes } from './routes.ts';

/** Projects, versioned plans, markdown task lists, tasks, dependencies and comments. */
export const projectsFamily = defineFamily({ name: 'projects', routes: projectsRoutes, jobs: [] });
