import type { AnyRoute } from '@devctx/shared';
import { commitRoutes } from './commits/routes.ts';
import { deliveryRoutes } from './deliveries/routes.ts';
import { repositoryRoutes } from './repositories/routes.ts';
import { syncRoutes } from './sync/routes.ts';

/** Every route of the repositories family. */
export const repositoriesRoutes: AnyRoute[] = [
  ...repositoryRoutes,
  ...commitRoutes,
  ...syncRoutes,
  ...deliveryRoutes,
];
