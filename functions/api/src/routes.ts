import { identityRoutes } from '@devctx/identity/routes';
import { type AnyRoute, healthRoutes } from '@devctx/shared';

/** Every family's route table, mounted together by the long-running api variant. */
export const allRoutes: AnyRoute[] = [...healthRoutes, ...identityRoutes];
