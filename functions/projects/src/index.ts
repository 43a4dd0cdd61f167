import { documentationRoutes, healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { projectsRoutes } from './routes.ts';

// Function target `projects`: this family alone.
const routes = [...healthRoutes, ...projectsRoutes];
registerFunction({ name: 'projects', routes: [...routes, ...documentationRoutes(routes)] });
