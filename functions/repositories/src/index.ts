import { documentationRoutes, healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { repositoriesRoutes } from './routes.ts';

// Function target `repositories`: repositories, commits, sync, webhook deliveries.
const routes = [...healthRoutes, ...repositoriesRoutes];
registerFunction({ name: 'repositories', routes: [...routes, ...documentationRoutes(routes)] });
