import { defineFamily } from '@devctx/shared';
import { passwordResetMailJob } from './auth/password-reset.ts';
import { verificationMailJob } from './me/email-address.ts';
import { identityRoutes } from './routes.ts';
import { tenantExportJob, tenantImportJob } from './tenant/archive/jobs.ts';
import { invitationMailJob } from './users/invitation-mail.ts';

/** Auth, the tenant, users, roles, teams, API keys, the audit log and the jobs view. */
export const identityFamily = defineFamily({
  name: 'identity',
  routes: identityRoutes,
  jobs: [
    invitationMailJob,
    passwordResetMailJob,
    verificationMailJob,
    tenantExportJob,
    tenantImportJob,
  ],
});
