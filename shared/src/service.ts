import { createGuard } from './auth/guard.ts';
import { AccessTokens } from './auth/jwt.ts';
import { keySourceFor } from './auth/key-source-for.ts';
import { type Config, ConfigError, loadConfig } from './config/config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { createApp, type RequestListener } from './http/app.ts';
import type { AnyRoute } from './http/route.ts';
import { type RunningServer, serve, shutdownOnSignals } from './http/server.ts';
import { type AnyJob, JobRegistry } from './jobs/definition.ts';
import { type DispatcherHandle, dispatcherFor } from './jobs/dispatcher-for.ts';
import { createLogger, type Logger } from './logging/logger.ts';

export interface Service {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  tokens: AccessTokens;
  jobs: JobRegistry;
  dispatch: DispatcherHandle;
  listener: RequestListener;
  close(): Promise<void>;
}

export interface ServiceOptions {
  name: string;
  routes: AnyRoute[];
  /** The background jobs this process may enqueue or (locally, or as the worker) run. */
  jobs?: AnyJob[];
  env?: Record<string, string | undefined>;
  /** Where log lines go (stdout unless a test reads them). */
  writeLog?: (line: string) => void;
}

/** Config, logger, pool and request pipeline for one process. Connects lazily (pg does). */
export function createService(options: ServiceOptions): Service {
  const config = loadConfig(options.env);
  const log = createLogger(config.LOG_LEVEL, { service: options.name }, options.writeLog);
  const database = createDatabase({
    url: config.DATABASE_URL,
    poolMax: config.DATABASE_POOL_MAX,
    statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    tenantSharePercent: config.DATABASE_TENANT_SHARE_PERCENT,
    log,
    applicationName: `devctx-${options.name}`,
  });
  const tokens = new AccessTokens(keySourceFor(config), {
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
  });
  const guard = createGuard({ db: database.db, tokens, config });
  const jobs = new JobRegistry(options.jobs ?? []);
  const dispatch = dispatcherFor(config, database.db, jobs, log);
  const listener = createApp({
    config,
    db: database.db,
    log,
    routes: options.routes,
    tokens,
    dispatcher: dispatch.dispatcher,
    guard,
  });
  const close = async () => {
    await dispatch.stop();
    await database.close();
  };
  return { config, log, database, tokens, jobs, dispatch, listener, close };
}

/**
 * The long-running variant (GKE, laptop): serve on PORT until SIGTERM/SIGINT, then drain.
 * A configuration error ends the process with one line naming the variable.
 */
export async function runServer(
  options: ServiceOptions & { host?: string; afterShutdown?: (() => Promise<void>) | undefined },
): Promise<RunningServer> {
  let service: Service;
  try {
    service = createService(options);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const running = await serve({
    listener: service.listener,
    port: service.config.PORT,
    ...(options.host ? { host: options.host } : {}),
    log: service.log,
    graceMs: service.config.SHUTDOWN_GRACE_MS,
    onClosed: async () => {
      await service.close();
      await options.afterShutdown?.();
    },
  });
  shutdownOnSignals(running.shutdown, service.log);
  service.log.info(`listening on http://localhost:${running.port}`, { port: running.port });
  return running;
}
