import { documentationRoutes, healthRoutes } from '@devctx/shared';
import { registerFunction } from '@devctx/shared/function-target';
import { webhookRoutes } from './routes.ts';

// Function target `git-webhooks`: verify, record, enqueue, answer 202.
const routes = [...healthRoutes, ...webhookRoutes];
registerFunction({ name: 'git-webhooks', routes: [...routes, ...documentationRoutes(routes)] });
