import type { AnyRoute } from '@devctx/shared';
import { commentRoutes } from './comments/routes.ts';
import { dependencyRoutes } from './dependencies/routes.ts';
import { planRoutes } from './plans/routes.ts';
import { projectRoutes } from './projects/routes.ts';
import { taskListRoutes } from './task-lists/routes.ts';
import { taskRoutes } from './tasks/routes.ts';

/** The projects family's route table. */
export const projectsRoutes: AnyRoute[] = [
  ...projectRoutes,
  ...planRoutes,
  ...taskListRoutes,
  ...taskRoutes,
  ...dependencyRoutes,
  ...commentRoutes,
];
