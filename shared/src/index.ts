export { type AuditContext, type AuditEvent, recordAudit } from './audit/record-audit.ts';
export { createGuard, type Guard } from './auth/guard.ts';
export { type InternalCallerCheck, internalCallerCheck } from './auth/internal-caller.ts';
export { type AccessClaims, AccessTokens } from './auth/jwt.ts';
export { keySourceFor } from './auth/key-source-for.ts';
export {
  FileKeySource,
  type KeySet,
  type KeySetSource,
  MemoryKeySource,
  type SecretManagerClientLike,
  SecretManagerKeySource,
} from './auth/key-sources.ts';
export {
  createOpaqueToken,
  hashToken,
  type OpaqueKind,
  parseOpaqueToken,
  sameHash,
} from './auth/opaque-tokens.ts';
export {
  allPermissions,
  effectivePermissions,
  isPermission,
  type Permission,
  permissionCatalogue,
  requirePermission,
  systemRoleKeys,
  systemRoles,
} from './auth/permissions.ts';
export {
  enforceRateLimit,
  failureBudget,
  type RateLimitResult,
  rateLimitHeaders,
  takeRateLimit,
} from './auth/rate-limit.ts';
export { type Config, ConfigError, configSchema, loadConfig } from './config/config.ts';
export { afterCommit } from './db/after-commit.ts';
export { assertReferenceExists } from './db/assert-reference.ts';
export { changedColumns } from './db/changed-columns.ts';
export { connectionSettings, isPostgresUrl } from './db/connection.ts';
export { createDatabase, type DatabaseHandle, type Db } from './db/database.ts';
export { translateDatabaseError } from './db/errors.ts';
export { containsPattern } from './db/like-pattern.ts';
export {
  APP_ROLE,
  bootstrapDatabase,
  MIGRATIONS_DIR,
  migrateDatabase,
  OWNER_ROLE,
} from './db/migrate.ts';
export type {
  CommitSource,
  CommitsTable,
  Database,
  Provider,
  RepositoriesTable,
} from './db/schema.ts';
export { databaseName, urlForDatabase, urlForRole } from './db/urls.ts';
export {
  actorScope,
  type TenantScope,
  type Trx,
  withRequestTransaction,
  withTenant,
} from './db/with-tenant.ts';
export { AppError, type FieldError, notFound } from './errors/app-error.ts';
export { type ErrorCode, errorCatalogue } from './errors/catalogue.ts';
export { PROBLEM_CONTENT_TYPE, type Problem, toProblem } from './errors/problem.ts';
export { defineFamily, type Family } from './family.ts';
export { googleClientOptions } from './google-clients.ts';
export { healthRoutes } from './health/routes.ts';
export { createApp, type RequestListener } from './http/app.ts';
export { type CallRoute, type RouteCall, routeCaller } from './http/call-route.ts';
export { etagOf, matchesEtag } from './http/conditional.ts';
export { instantSchema, isInstant, parseInstant } from './http/instant.ts';
export { MAX_JSON_DEPTH, wellFormedJson } from './http/json-input.ts';
export {
  type Cursor,
  type CursorShape,
  decodeCursor,
  invalidCursor,
  newestFirst,
  newestFirstPosition,
  type Page,
  pageQuery,
  toPage,
} from './http/pagination.ts';
export {
  type Actor,
  type AnyRoute,
  actorOf,
  defineRoute,
  type HttpMethod,
  type RequestContext,
  type Route,
  type RouteResult,
} from './http/route.ts';
export { compileRoutePath } from './http/router.ts';
export { type RunningServer, serve, shutdownOnSignals } from './http/server.ts';
export {
  type AnyJob,
  defineJob,
  type JobContext,
  type JobDefinition,
  JobRegistry,
} from './jobs/definition.ts';
export type { Dispatcher, JobRef } from './jobs/dispatcher.ts';
export { type DispatcherHandle, dispatcherFor } from './jobs/dispatcher-for.ts';
export { type EnqueueOptions, enqueueJob } from './jobs/enqueue.ts';
export { backoffSeconds, type JobOutcome, PermanentJobError, runJob } from './jobs/run-job.ts';
export {
  type CloudTasksClientLike,
  CloudTasksDispatcher,
  type CloudTasksSettings,
  taskId,
} from './jobs/transports/cloud-tasks.ts';
export { LocalDispatcher } from './jobs/transports/local.ts';
export { createLogger, type Logger } from './logging/logger.ts';
export type { Mailer, MailMessage } from './mail/mailer.ts';
export { mailerFor } from './mail/mailer-for.ts';
export {
  composeMail,
  escapeHtml,
  hasHiddenCharacters,
  type MailContent,
  mailValue,
} from './mail/templates.ts';
export { buildOpenApiDocument, type OpenApiDocument, operationId } from './openapi/document.ts';
export { apiInfo, documentationRoutes } from './openapi/routes.ts';
export { SecretBox } from './secrets/secret-box.ts';
export {
  EnvironmentSecretSource,
  SecretManagerSecretSource,
  type SecretSource,
} from './secrets/secret-source.ts';
export { secretBoxFor } from './secrets/secrets-for.ts';
export {
  createService,
  runServer,
  type Service,
  type ServiceOptions,
  startService,
} from './service.ts';
export {
  type BucketLike,
  CloudObjectStorage,
  LocalObjectStorage,
  type ObjectStorage,
  objectPath,
  storageFor,
} from './storage/object-storage.ts';
