import { createService, healthRoutes, type Service } from '@devctx/shared';
import { http } from '@google-cloud/functions-framework';
import { allJobs } from './jobs.ts';
import { workerRoutes } from './routes.ts';

// Function target `worker`: Cloud Tasks delivers jobs here (never exposed publicly).
let service: Service | undefined;
http('worker', (req, res) => {
  service ??= createService({
    name: 'worker',
    routes: [...healthRoutes, ...workerRoutes(allJobs)],
    jobs: allJobs,
  });
  return service.listener(req, res);
});
