import type { AnyJob } from '@devctx/shared';
import { processDeliveryJob } from './deliveries/process-delivery-job.ts';
import { syncJob } from './sync/sync-job.ts';

export { processDeliveryJob } from './deliveries/process-delivery-job.ts';
export { secretContext } from './repositories/sealed-secrets.ts';
export { queueGitHubSync, syncJob } from './sync/sync-job.ts';

/** Background jobs of the repositories family (run by the worker). */
export const repositoryJobs: AnyJob[] = [processDeliveryJob, syncJob];
