import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoriesRoutes } from '@devctx/repositories/routes';
import { contextJobs } from '../src/jobs.ts';
import { contextRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';

/** Identity (to sign up), the context family and repositories (for commits), on one real server. */
export function startContext(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity(
    { TASKS_POLL_MS: '50', ...env },
    [...contextRoutes, ...projectsRoutes, ...repositoriesRoutes],
    contextJobs,
  );
}
