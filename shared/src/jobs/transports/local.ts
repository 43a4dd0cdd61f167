import { sql } from 'kysely';
import type { Config } from '../../config/config.ts';
import type { Db } from '../../db/database.ts';
import type { Logger } from '../../logging/logger.ts';
import type { JobRegistry } from '../definition.ts';
import type { Dispatcher, JobRef } from '../dispatcher.ts';
import { type JobOutcome, runJob } from '../run-job.ts';

export interface LocalDispatcherOptions {
  db: Db;
  registry: JobRegistry;
  log: Logger;
  /** The settings each job gets in its context. */
  config: Config;
  /** How often due jobs (retries, leftovers) are looked for. */
  pollMs: number;
  concurrency: number;
  /** A claimed job not finished within this lease is handed out again. */
  leaseSeconds?: number;
  /** After each job, with its tenant: its writes may change what authentication reads. */
  afterJob?: (tenantId: string) => void;
}

/**
 * Cloud Tasks' stand-in on a laptop and in tests: drains the same outbox in process, with
 * the same semantics — at-least-once delivery, backoff between attempts (the job's
 * run_after), max attempts, then dead. dispatch() only wakes the loop; the loop claims due
 * jobs through the same narrow function the production sweep uses.
 */
export class LocalDispatcher implements Dispatcher {
  readonly #options: LocalDispatcherOptions;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  readonly outcomes: Array<JobRef & JobOutcome> = [];

  constructor(options: LocalDispatcherOptions) {
    this.#options = options;
  }

  start() {
    this.#stopped = false;
    this.#schedule();
  }

  async stop() {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#draining;
  }

  async dispatch(_job: JobRef): Promise<void> {
    this.wake();
  }

  /** Looks for due jobs now rather than at the next poll. */
  wake() {
    if (this.#stopped) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#timer);
    this.#draining = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.#options.log.warn('local job dispatch failed', { error }))
      .finally(() => {
        this.#draining = undefined;
        if (this.#again) {
          this.#again = false;
          this.wake();
        } else {
          this.#schedule();
        }
      });
  }

  /** Claims and runs every job that is due, `concurrency` at a time. Returns when none is left. */
  async drain(): Promise<number> {
    let ran = 0;
    // Only the kinds this process can run: another process may own the rest.
    const kinds = this.#options.registry.all.map((job) => job.kind);
    if (kinds.length === 0) return 0;
    for (;;) {
      const { rows } = await sql<JobRef>`
        select tenant_id as "tenantId", id, kind
          from claim_due_jobs(${this.#options.concurrency}, ${this.#options.leaseSeconds ?? 300}, ${kinds}::text[])`.execute(
        this.#options.db,
      );
      if (rows.length === 0) return ran;
      const outcomes = await Promise.all(
        rows.map(async (ref) => ({
          ...ref,
          ...(await runJob(
            this.#options.db,
            this.#options.registry,
            ref,
            this.#options.log,
            this.#options.config,
          )),
        })),
      );
      for (const ref of rows) this.#options.afterJob?.(ref.tenantId);
      this.outcomes.push(...outcomes);
      this.outcomes.splice(0, Math.max(0, this.outcomes.length - 1000)); // recent ones, for tests and debugging
      ran += rows.length;
    }
  }

  #schedule() {
    if (this.#stopped) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.wake(), this.#options.pollMs);
    this.#timer.unref();
  }
}
