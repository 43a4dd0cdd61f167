import { registerFunction } from '@devctx/shared/function-target';
import { allJobs, allRoutes } from './routes.ts';

// Function target `api`: every family in one function.
registerFunction({ name: 'api', routes: allRoutes, jobs: allJobs });
