import { healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { allJobs } from '../../families.ts';
import { workerRoutes } from './routes.ts';

// Function target `worker`: Cloud Tasks delivers jobs here (never exposed publicly).
await registerFunction({
  name: 'worker',
  routes: [...healthRoutes, ...workerRoutes(allJobs)],
  jobs: allJobs,
});
