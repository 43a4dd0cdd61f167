import type { AnyJob } from '@devctx/shared';
import { importJob } from './imports/import-job.ts';

/** Background jobs of the context family. */
export const contextJobs: AnyJob[] = [importJob];
