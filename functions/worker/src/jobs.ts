import { contextJobs } from '@devctx/context/jobs';
import type { AnyJob } from '@devctx/shared';

/**
 * Every background job kind of every family: the worker must be able to run whatever any
 * function enqueued. Families add theirs here as they gain them (imports, commit sync,
 * webhook processing).
 */
export const allJobs: AnyJob[] = [...contextJobs];
