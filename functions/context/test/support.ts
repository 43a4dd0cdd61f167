import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { contextJobs } from '../src/jobs.ts';
import { contextRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';

/** Identity (to sign up) and the context family, on one real server. */
export function startContext(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity({ TASKS_POLL_MS: '50', ...env }, contextRoutes, contextJobs);
}
