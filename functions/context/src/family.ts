import { defineFamily } from '@devctx/shared';
import { contextJobs } from './jobs.ts';
import { contextRoutes } from './routes.ts';

/** AI sessions, conversations, deduplicated messages, search, insights and imports. */
export const contextFamily = defineFamily({
  name: 'context',
  routes: contextRoutes,
  jobs: contextJobs,
});
