import { createHash } from 'node:crypto';
import type { JobRegistry } from '../definition.ts';
import type { Dispatcher, JobRef } from '../dispatcher.ts';

/** The part of @google-cloud/tasks' CloudTasksClient this driver uses. */
export interface CloudTasksClientLike {
  queuePath(project: string, location: string, queue: string): string;
  createTask(request: {
    parent: string;
    task: {
      name: string;
      httpRequest: {
        httpMethod: 'POST';
        url: string;
        headers: Record<string, string>;
        body: Buffer;
        oidcToken: { serviceAccountEmail: string; audience: string };
      };
      dispatchDeadline: { seconds: number };
    };
  }): Promise<unknown>;
}

export interface CloudTasksSettings {
  project: string;
  location: string;
  /** The worker's base URL, e.g. https://worker-abc-uc.a.run.app */
  workerUrl: string;
  /** Service account whose OIDC token Cloud Tasks attaches; the worker checks it. */
  serviceAccountEmail: string;
  /** Audience of that token; the worker requires exactly this. */
  audience: string;
  /**
   * How long Cloud Tasks waits for the worker's answer before it counts the delivery as
   * failed and tries again: the worker's own timeout, so a long job is not run twice.
   */
  dispatchDeadlineSeconds: number;
}

const ALREADY_EXISTS = 6;

/**
 * Production transport: one Cloud Task per job, an HTTP POST to the worker with an OIDC
 * token. The task name is a hash of the job's id and generation, so dispatching the same
 * job again (the sweep after a crash) finds the task already there instead of making a
 * second one, and Cloud Tasks retries delivery by the queue's policy; a hand retry is a
 * new generation, so a new task.
 */
export class CloudTasksDispatcher implements Dispatcher {
  readonly #client: CloudTasksClientLike;
  readonly #settings: CloudTasksSettings;
  readonly #registry: JobRegistry;

  constructor(client: CloudTasksClientLike, settings: CloudTasksSettings, registry: JobRegistry) {
    this.#client = client;
    this.#settings = settings;
    this.#registry = registry;
  }

  async dispatch(job: JobRef): Promise<void> {
    const queue = this.#registry.get(job.kind)?.queue ?? 'default';
    const parent = this.#client.queuePath(this.#settings.project, this.#settings.location, queue);
    try {
      await this.#client.createTask({
        parent,
        task: {
          name: `${parent}/tasks/${taskId(job)}`,
          httpRequest: {
            httpMethod: 'POST',
            url: `${this.#settings.workerUrl.replace(/\/$/, '')}/tasks/${job.kind}`,
            headers: { 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ tenantId: job.tenantId, jobId: job.id })),
            oidcToken: {
              serviceAccountEmail: this.#settings.serviceAccountEmail,
              audience: this.#settings.audience,
            },
          },
          dispatchDeadline: { seconds: this.#settings.dispatchDeadlineSeconds },
        },
      });
    } catch (error) {
      if ((error as { code?: number }).code === ALREADY_EXISTS) return;
      throw error;
    }
  }
}

/** Hashed, not sequential: Cloud Tasks spreads sequential names badly across its shards. */
export function taskId(job: JobRef): string {
  // Generation 0 hashes as before generations existed: a job in flight across the upgrade
  // keeps its task.
  const generation = job.generation ? `/${job.generation}` : '';
  return createHash('sha256')
    .update(`${job.tenantId}/${job.id}${generation}`)
    .digest('hex')
    .slice(0, 40);
}
