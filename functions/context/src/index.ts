import { documentationRoutes, healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { contextJobs } from './jobs.ts';
import { contextRoutes } from './routes.ts';

// Function target `context`: this family alone.
const routes = [...healthRoutes, ...contextRoutes];
registerFunction({
  name: 'context',
  routes: [...routes, ...documentationRoutes(routes)],
  jobs: contextJobs,
});
