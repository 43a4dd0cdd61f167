import { contextJobs } from '@devctx/context/jobs';
import { repositoryJobs } from '@devctx/repositories/jobs';
import type { AnyJob } from '@devctx/shared';

/**
 * Every background job kind of every family: the worker must be able to run whatever any
 * function enqueued.
 */
export const allJobs: AnyJob[] = [...contextJobs, ...repositoryJobs];
