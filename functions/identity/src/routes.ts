import type { AnyRoute } from '@devctx/shared';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { jobRoutes } from './jobs/routes.ts';
import { meRoutes } from './me/routes.ts';
import { roleAssignmentRoutes } from './roles/assignment-routes.ts';
import { roleRoutes } from './roles/routes.ts';
import { teamMemberRoutes } from './teams/member-routes.ts';
import { teamRoutes } from './teams/routes.ts';
import { archiveRoutes } from './tenant/archive/routes.ts';
import { tenantRoutes } from './tenant/routes.ts';
import { userRoutes } from './users/routes.ts';

/** The identity family's route table. */
export const identityRoutes: AnyRoute[] = [
  ...authRoutes,
  ...meRoutes,
  ...tenantRoutes,
  ...archiveRoutes,
  ...userRoutes,
  ...roleAssignmentRoutes,
  ...roleRoutes,
  ...teamRoutes,
  ...teamMemberRoutes,
  ...apiKeyRoutes,
  ...auditRoutes,
  ...jobRoutes,
];
