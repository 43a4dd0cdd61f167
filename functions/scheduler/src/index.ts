import { healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { operatorRoutes } from './operator-routes.ts';
import { schedulerRoutes } from './routes.ts';

// Function target `scheduler`: Cloud Scheduler calls POST /jobs/{name} here, and the
// platform operator POST /operator/… (both private, behind IAM).
await registerFunction({
  name: 'scheduler',
  routes: [...healthRoutes, ...schedulerRoutes, ...operatorRoutes],
});
