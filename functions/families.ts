// The one list of resource families. The build makes a function of each, the api variant
// mounts all their routes, the worker runs all their jobs, and the deployment (infra/)
// deploys and routes to each. A new family is one line here (docs/architecture.md).
import { contextFamily } from '@devctx/context/family';
import { gitWebhooksFamily } from '@devctx/git-webhooks/family';
import { identityFamily } from '@devctx/identity/family';
import { mcpFamily } from '@devctx/mcp/family';
import { projectsFamily } from '@devctx/projects/family';
import { repositoriesFamily } from '@devctx/repositories/family';
import type { AnyJob, Family } from '@devctx/shared';

export const families: Family[] = [
  identityFamily,
  projectsFamily,
  contextFamily,
  repositoriesFamily,
  gitWebhooksFamily,
  mcpFamily,
];

/**
 * The functions that serve the families rather than being one: the Cloud Tasks target,
 * the Cloud Scheduler target, and every family in one function (also the GKE server).
 */
export const serviceFunctions = ['worker', 'scheduler', 'api'] as const;

/** Every deployable function, each built from functions/<name>/src/index.ts. */
export const functionNames: string[] = [...families.map((f) => f.name), ...serviceFunctions];

/** Every background job kind: the worker must run whatever any family enqueued. */
export const allJobs: AnyJob[] = families.flatMap((f) => f.jobs);
