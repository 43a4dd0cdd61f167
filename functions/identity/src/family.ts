import { defineFamily } from '@devctx/shared';
import { identityRoutes } from './routes.ts';

/** Auth, the tenant, users, roles, teams, API keys, the audit log and the jobs view. */
export const identityFamily = defineFamily({ name: 'identity', routes: identityRoutes, jobs: [] });
