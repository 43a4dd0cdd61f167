import { healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { schedulerRoutes } from './routes.ts';

// Function target `scheduler`: Cloud Scheduler calls POST /jobs/{name} here.
registerFunction({ name: 'scheduler', routes: [...healthRoutes, ...schedulerRoutes] });
