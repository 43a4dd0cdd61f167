import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { contextRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';

/** Identity (to sign up) and the context family, on one real server. */
export function startContext(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity(env, contextRoutes);
}
