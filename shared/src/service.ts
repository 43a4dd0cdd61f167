import { listenForAuthChanges } from './auth/auth-changes.ts';
import { createGuard, type Guard } from './auth/guard.ts';
import { AccessTokens } from './auth/jwt.ts';
import { keySourceFor } from './auth/key-source-for.ts';
import { type Config, ConfigError, loadConfig, requireInternalAuth } from './config/config.ts';
import { createDatabase, type DatabaseHandle } from './db/database.ts';
import { createApp, type RequestListener } from './http/app.ts';
import type { AnyRoute } from './http/route.ts';
import { type RunningServer, serve, shutdownOnSignals } from './http/server.ts';
import { type AnyJob, JobRegistry } from './jobs/definition.ts';
import { type DispatcherHandle, dispatcherFor } from './jobs/dispatcher-for.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import { secretBoxFor } from './secrets/secrets-for.ts';

export interface Service {
  config: Config;
  log: Logger;
  database: DatabaseHandle;
  tokens: AccessTokens;
  jobs: JobRegistry;
  dispatch: DispatcherHandle;
  listener: RequestListener;
  guard: Guard;
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
  /**
   * LISTEN for other instances' changes to credentials and roles (a long-running process:
   * a function instance may sleep between requests and relies on AUTH_CACHE_SECONDS).
   */
  listenForAuthChanges?: boolean;
}

/** Config, logger, pool and request pipeline for one process. Connects lazily (pg does). */
export function createService(options: ServiceOptions): Service {
  const config = loadConfig(options.env);
  if (options.routes.some((route) => route.caller === 'internal')) requireInternalAuth(config);
  const log = createLogger(config.LOG_LEVEL, { service: options.name }, options.writeLog);
  const database = createDatabase({
    url: config.DATABASE_URL,
    password: config.DATABASE_PASSWORD,
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
  const guard = createGuard({ db: database.db, tokens, config, log });
  const authChanges =
    options.listenForAuthChanges && guard.cache.enabled
      ? listenForAuthChanges({
          url: config.DATABASE_URL,
          password: config.DATABASE_PASSWORD,
          cache: guard.cache,
          log,
        })
      : undefined;
  const jobs = new JobRegistry(options.jobs ?? []);
  // A job run here may change what authentication reads, as a request's write may.
  const dispatch = dispatcherFor(config, database.db, jobs, log, (tenantId) =>
    guard.forget(tenantId),
  );
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
    await authChanges?.close();
    await guard.close();
    await database.close();
  };
  return { config, log, database, tokens, jobs, dispatch, listener, guard, close };
}

/**
 * A service that has reached what it needs before serving: its configuration, its token
 * signing keys and (where one is configured) its encryption key. A deploy whose secrets
 * are missing then fails at start, where the platform keeps the previous revision, not
 * at every request after. Any failure ends the process with one line and exit code 78.
 */
export async function startService(options: ServiceOptions): Promise<Service> {
  let service: Service | undefined;
  try {
    service = createService(options);
    await service.tokens.jwks();
    const { config } = service;
    if (config.ENCRYPTION_KEY || config.ENCRYPTION_KEY_SECRET) await secretBoxFor(config);
    return service;
  } catch (error) {
    const line =
      error instanceof ConfigError
        ? error.message
        : `Cannot start ${options.name}: ${(error as Error).message}`;
    process.stderr.write(`${line}\n`);
    await service?.close().catch(() => {});
    process.exit(78); // EX_CONFIG
  }
}

/**
 * The long-running variant (GKE, laptop): serve on PORT until SIGTERM/SIGINT, then drain.
 */
export async function runServer(
  options: ServiceOptions & { host?: string; afterShutdown?: (() => Promise<void>) | undefined },
): Promise<RunningServer> {
  const service = await startService({ listenForAuthChanges: true, ...options });
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
