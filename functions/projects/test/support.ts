import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { projectsRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';

/** Identity (to sign up) and projects, on one real server. */
export function startProjects(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity(env, projectsRoutes);
}

export const ROADMAP = `## 1 Setup
- [x] Create the repository
- [ ] Configure CI
  - [ ] Lint step
## 2 API
**Dependencies**: 1
- [ ] Write the routes
- [ ] Write the tests
`;
