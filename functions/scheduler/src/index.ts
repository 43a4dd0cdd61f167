import { createService, healthRoutes, type Service } from '@devctx/shared';
import { http } from '@google-cloud/functions-framework';
import { schedulerRoutes } from './routes.ts';

// Function target `scheduler`: Cloud Scheduler calls POST /jobs/{name} here.
let service: Service | undefined;
http('scheduler', (req, res) => {
  service ??= createService({ name: 'scheduler', routes: [...healthRoutes, ...schedulerRoutes] });
  return service.listener(req, res);
});
