import { runServer } from '@devctx/shared';
import { allJobs, allRoutes } from './routes.ts';

// The long-running api variant: GKE's container command and `npm run serve`.
await runServer({ name: 'api', routes: allRoutes, jobs: allJobs });
