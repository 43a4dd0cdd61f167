import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { googleClientOptions } from '../google-clients.ts';
import type { Logger } from '../logging/logger.ts';
import type { JobRegistry } from './definition.ts';
import type { Dispatcher, JobRef } from './dispatcher.ts';
import { type CloudTasksClientLike, CloudTasksDispatcher } from './transports/cloud-tasks.ts';
import { LocalDispatcher } from './transports/local.ts';

export interface DispatcherHandle {
  dispatcher: Dispatcher;
  /** The in-process one, when TASKS_DRIVER=local (tests drain it directly). */
  local: LocalDispatcher | undefined;
  stop(): Promise<void>;
}

/** The transport the configuration names. The Google client loads only when first used. */
export function dispatcherFor(
  config: Config,
  db: Db,
  registry: JobRegistry,
  log: Logger,
  afterJob?: (tenantId: string) => void,
): DispatcherHandle {
  if (config.TASKS_DRIVER === 'local') {
    const local = new LocalDispatcher({
      db,
      registry,
      log,
      config,
      pollMs: config.TASKS_POLL_MS,
      concurrency: config.TASKS_CONCURRENCY,
      ...(afterJob ? { afterJob } : {}),
    });
    local.start();
    return { dispatcher: local, local, stop: () => local.stop() };
  }
  let cloud: Promise<CloudTasksDispatcher> | undefined;
  const settings = {
    project: config.CLOUD_TASKS_PROJECT as string,
    location: config.CLOUD_TASKS_LOCATION as string,
    workerUrl: config.WORKER_URL as string,
    serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT as string,
    audience: config.WORKER_URL as string,
    dispatchDeadlineSeconds: config.TASKS_DISPATCH_DEADLINE_SECONDS,
  };
  const dispatcher: Dispatcher = {
    async dispatch(job: JobRef) {
      cloud ??= Promise.all([
        import('@google-cloud/tasks'),
        googleClientOptions(config.GOOGLE_API_EMULATOR_HOST),
      ]).then(
        ([m, options]) =>
          new CloudTasksDispatcher(
            new m.CloudTasksClient(options) as unknown as CloudTasksClientLike,
            settings,
            registry,
          ),
      );
      await (await cloud).dispatch(job);
    },
  };
  return { dispatcher, local: undefined, stop: async () => {} };
}
