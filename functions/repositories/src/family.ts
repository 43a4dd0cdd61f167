import { defineFamily } from '@devctx/shared';
import { repositoryJobs } from './jobs.ts';
import { repositoriesRoutes } from './routes.ts';

/** Repositories, commits and their task references, GitHub and git-log sync, deliveries. */
export const repositoriesFamily = defineFamily({
  name: 'repositories',
  routes: repositoriesRoutes,
  jobs: repositoryJobs,
});
