import { createService, documentationRoutes, healthRoutes, type Service } from '@devctx/shared';
import { http } from '@google-cloud/functions-framework';
import { identityRoutes } from './routes.ts';

// Function target `identity`: this family alone, for Cloud Run functions.
const routes = [...healthRoutes, ...identityRoutes];
let service: Service | undefined;
http('identity', (req, res) => {
  service ??= createService({
    name: 'identity',
    routes: [...routes, ...documentationRoutes(routes)],
  });
  return service.listener(req, res);
});
