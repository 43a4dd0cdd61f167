import type { AnyRoute } from './http/route.ts';
import type { AnyJob } from './jobs/definition.ts';

/**
 * A resource family: one package under functions/, deployed as the function `name`, and
 * mounted with every other family by the api variant. functions/families.ts lists them
 * all; the build, the api variant, the worker and the deployment read that one list.
 */
export interface Family {
  /** The package's folder under functions/, its function target and its service's name. */
  name: string;
  /** Its public HTTP routes. */
  routes: AnyRoute[];
  /** The background jobs it enqueues (the worker runs every family's). */
  jobs: AnyJob[];
}

export function defineFamily(family: Family): Family {
  return family;
}
