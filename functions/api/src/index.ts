import { createService, type Service } from '@devctx/shared';
import { http } from '@google-cloud/functions-framework';
import { allJobs, allRoutes } from './routes.ts';

// Function target `api`: every family in one function, for functions-framework and Cloud Run.
// Built on first request, then reused by the instance (lazy global, one pool per instance).
let service: Service | undefined;
http('api', (req, res) => {
  service ??= createService({ name: 'api', routes: allRoutes, jobs: allJobs });
  return service.listener(req, res);
});
