import { documentationRoutes, healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { identityRoutes } from './routes.ts';

// Function target `identity`: this family alone.
const routes = [...healthRoutes, ...identityRoutes];
registerFunction({ name: 'identity', routes: [...routes, ...documentationRoutes(routes)] });
