/** A committed job, as the transport needs to know it. */
export interface JobRef {
  tenantId: string;
  id: string;
  kind: string;
  /** How often it was retried by hand (0 for a new job): each retry is a new delivery. */
  generation?: number;
}

/**
 * Hands committed jobs to whatever delivers them to the worker: Cloud Tasks in production,
 * an in-process loop locally. Dispatching the same job twice must not run it twice.
 */
export interface Dispatcher {
  dispatch(job: JobRef): Promise<void>;
}
