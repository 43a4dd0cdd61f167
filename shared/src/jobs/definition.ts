import type { z } from 'zod';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import type { Trx } from '../db/with-tenant.ts';
import type { Logger } from '../logging/logger.ts';

export interface JobContext {
  tenantId: string;
  jobId: string;
  attempt: number;
  db: Db;
  log: Logger;
  /** The process's validated settings: the same ones its requests get. */
  config: Config;
}

/**
 * A kind of background job: its payload schema, its queue, and the work. `run` gets the
 * transaction in which the job is also marked succeeded, so work done through `trx` happens
 * exactly once even when the job is delivered twice. Work outside the database must be
 * idempotent by itself (key it on ctx.jobId).
 */
export interface JobDefinition<P = unknown, R = unknown> {
  kind: string;
  /** Cloud Tasks queue of this family of jobs (retry settings live there). */
  queue: string;
  payload: z.ZodType<P>;
  maxAttempts?: number;
  /**
   * Slow work that only reads (an HTTP API, a file), done before the job's transaction
   * opens so no connection sits idle in a transaction meanwhile; its result goes to run.
   * It may run again on a redelivery, so it must not change anything.
   */
  prepare?(ctx: JobContext, payload: P): Promise<R>;
  run(ctx: JobContext, payload: P, trx: Trx, prepared: R): Promise<unknown>;
  /**
   * Called once when the job dies (its last attempt failed, or it failed in a way that
   * will never change), in the transaction that marks it dead: where the resource the job
   * works for records its terminal state (an import `failed`, with the error). `error` is
   * the message a tenant may read.
   */
  onDead?(ctx: JobContext, payload: P, trx: Trx, error: string): Promise<void>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds jobs of every payload type.
export type AnyJob = JobDefinition<any, any>;

export function defineJob<P, R = undefined>(definition: JobDefinition<P, R>): JobDefinition<P, R> {
  return definition;
}

export class JobRegistry {
  readonly #jobs = new Map<string, AnyJob>();
  constructor(jobs: AnyJob[] = []) {
    for (const job of jobs) this.add(job);
  }
  add(job: AnyJob) {
    if (this.#jobs.has(job.kind)) throw new Error(`Job kind registered twice: ${job.kind}`);
    this.#jobs.set(job.kind, job);
    return this;
  }
  get(kind: string): AnyJob | undefined {
    return this.#jobs.get(kind);
  }
  get all(): AnyJob[] {
    return [...this.#jobs.values()];
  }
}
