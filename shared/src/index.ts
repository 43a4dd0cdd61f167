export { type Config, ConfigError, configSchema, loadConfig } from './config/config.ts';
export { createDatabase, type DatabaseHandle, type Db } from './db/database.ts';
export { translateDatabaseError } from './db/errors.ts';
export {
  APP_ROLE,
  bootstrapDatabase,
  MIGRATIONS_DIR,
  migrateDatabase,
  OWNER_ROLE,
} from './db/migrate.ts';
export type { Database } from './db/schema.ts';
export { databaseName, urlForDatabase, urlForRole } from './db/urls.ts';
export { type TenantScope, type Trx, withTenant } from './db/with-tenant.ts';
export { AppError, type FieldError, notFound } from './errors/app-error.ts';
export { type ErrorCode, errorCatalogue } from './errors/catalogue.ts';
export { PROBLEM_CONTENT_TYPE, type Problem, toProblem } from './errors/problem.ts';
export { healthRoutes } from './health/routes.ts';
export { type Authenticator, createApp, type RequestListener } from './http/app.ts';
export {
  type Actor,
  type AnyRoute,
  defineRoute,
  type HttpMethod,
  type RequestContext,
  type Route,
  type RouteResult,
} from './http/route.ts';
export { type RunningServer, serve, shutdownOnSignals } from './http/server.ts';
export { createLogger, type Logger } from './logging/logger.ts';
export { createService, runServer, type Service, type ServiceOptions } from './service.ts';
