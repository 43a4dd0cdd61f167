import { registerFunction } from '@devctx/shared/function-target';
import { allJobs, allRoutes } from './routes.ts';

// Function target `api`: every family in one function.
await registerFunction({ name: 'api', routes: allRoutes, jobs: allJobs });
