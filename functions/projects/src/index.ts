import { createService, documentationRoutes, healthRoutes, type Service } from '@devctx/shared';
import { http } from '@google-cloud/functions-framework';
import { projectsRoutes } from './routes.ts';

// Function target `projects`: this family alone, for Cloud Run functions.
const routes = [...healthRoutes, ...projectsRoutes];
let service: Service | undefined;
http('projects', (req, res) => {
  service ??= createService({
    name: 'projects',
    routes: [...routes, ...documentationRoutes(routes)],
  });
  return service.listener(req, res);
});
