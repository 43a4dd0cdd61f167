import { z } from 'zod';
import { isPostgresUrl } from '../db/connection.ts';

/**
 * Every environment variable the product reads, in one place. A wrong or missing value
 * stops start-up with one message that names it (see ConfigError), never later at first use.
 */
const port = z.coerce.number().int().min(0).max(65535); // 0: any free port (tests)
/** true/false (also 1/0, yes/no), as environment variables spell them. */
const booleanFlag = z.stringbool();

export const configSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('production turns on HSTS and requires Secret Manager keys.'),
  PORT: port.default(8080).describe('Port the HTTP server listens on.'),
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, 'a postgres:// URL with a host (or ?host=/socket/dir) and a database')
    .describe(
      'PostgreSQL URL of the runtime role (not the owner, not a superuser): TCP, or a Unix socket as `postgres://devctx_app@/devctx?host=/cloudsql/PROJECT:REGION:INSTANCE`.',
    ),
  DATABASE_PASSWORD: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The runtime role's password, when it is a secret of its own (DATABASE_PASSWORD_FILE on GKE); it wins over one in DATABASE_URL.",
    ),
  DATABASE_POOL_MAX: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Maximum connections in this instance’s pool.'),
  DATABASE_TENANT_SHARE_PERCENT: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(50)
    .describe(
      'Percent of the pool one tenant may use at once; more of its work waits (then 503), so no tenant can hold every connection.',
    ),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(15000)
    .describe('Statement timeout for every runtime connection, in milliseconds.'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024)
    .describe('Largest JSON request body accepted by default, in bytes.'),
  LOG_LEVEL: z
    .enum(['debug', 'info', 'warn', 'error', 'silent'])
    .default('info')
    .describe('Lowest severity written to the structured log.'),
  GOOGLE_CLOUD_PROJECT: z
    .string()
    .optional()
    .describe('Project id, used to link log lines to Cloud Trace.'),
  JWT_ISSUER: z
    .string()
    .min(1)
    .default('https://devcontext.local')
    .describe('`iss` of access tokens; verification requires exactly this.'),
  JWT_AUDIENCE: z
    .string()
    .min(1)
    .default('dev-context-api')
    .describe('`aud` of access tokens; verification requires exactly this.'),
  JWT_KEYS: z
    .enum(['file', 'memory', 'secret-manager'])
    .default('file')
    .describe(
      'Where the ES256 signing keys live: a file under .data/, memory (tests), or Secret Manager.',
    ),
  JWT_KEYS_FILE: z
    .string()
    .default('.data/jwt-keys.json')
    .describe('Key file when JWT_KEYS=file (generated on first start, mode 600).'),
  JWT_KEYS_SECRET: z
    .string()
    .regex(/^projects\/[^/]+\/secrets\/[^/]+$/)
    .optional()
    .describe('Secret holding the key set when JWT_KEYS=secret-manager: projects/P/secrets/S.'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(86400)
    .default(3600)
    .describe('Lifetime of an access token.'),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(300)
    .default(7 * 86400)
    .describe('Absolute lifetime of a sign-in session (its refresh tokens).'),
  REFRESH_IDLE_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(3 * 86400)
    .describe('A session not refreshed for this long ends.'),
  INVITATION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(7 * 86400)
    .describe('How long an invitation can be accepted.'),
  ARGON2_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe(
      'Password hashes computed at once; more wait in line, so logins cannot starve requests.',
    ),
  AUTH_CACHE_SECONDS: z.coerce
    .number()
    .int()
    .min(0)
    .max(60)
    .default(5)
    .describe(
      'How long an instance may reuse a checked credential without asking PostgreSQL (0: never). A revocation, logout or role change takes effect at once on the instance that made it and on long-running instances (LISTEN/NOTIFY); other function instances notice within this bound. With it on, the hourly request budget is counted in memory and written to PostgreSQL every second.',
    ),
  RATE_LIMIT_ANONYMOUS_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .default(100)
    .describe('Requests per hour per IP address to unauthenticated endpoints.'),
  LOGIN_FAILURES_PER_15_MIN: z.coerce
    .number()
    .int()
    .min(1)
    .default(5)
    .describe('Failed logins per 15 minutes for one account from one IP before 429.'),
  LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .describe('Failed logins per hour for one account from all IPs together before 429.'),
  TRUSTED_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(5)
    .default(0)
    .describe('Proxies in front of the server whose X-Forwarded-For is trusted (1 on Cloud Run).'),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url().regex(/^https?:\/\/[^/]+$/, 'an origin: scheme://host[:port], no path')))
    .describe('Comma-separated browser origins allowed by CORS; none by default.'),
  TASKS_DRIVER: z
    .enum(['local', 'cloud-tasks'])
    .default('local')
    .describe('Who delivers background jobs: an in-process loop (local, tests) or Cloud Tasks.'),
  TASKS_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('Local driver: how often due jobs and retries are looked for.'),
  TASKS_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(2)
    .describe('Local driver: jobs run at once.'),
  CLOUD_TASKS_PROJECT: z.string().optional().describe('Cloud Tasks: project of the queues.'),
  CLOUD_TASKS_LOCATION: z
    .string()
    .optional()
    .describe('Cloud Tasks: region of the queues, e.g. us-central1.'),
  WORKER_URL: z.url().optional().describe('Cloud Tasks: base URL of the worker function.'),
  TASKS_SERVICE_ACCOUNT: z
    .email()
    .optional()
    .describe('Cloud Tasks: service account whose OIDC token is attached to each task.'),
  TASKS_DISPATCH_DEADLINE_SECONDS: z.coerce
    .number()
    .int()
    .min(15)
    .max(1800)
    .default(900)
    .describe(
      "Cloud Tasks: how long a delivery may take before it is tried again; the worker's timeout (Cloud Tasks allows 15 s to 30 min).",
    ),
  INTERNAL_AUTH: z
    .enum(['shared-secret', 'oidc', 'cloud-run-iam'])
    .default('shared-secret')
    .describe(
      "How the worker and scheduler check their caller: a shared secret locally; Google OIDC tokens in production, verified here (oidc, GKE) or by Cloud Run's IAM before us (cloud-run-iam, which then checks the claims). Production refuses shared-secret in a process with internal routes.",
    ),
  INTERNAL_SHARED_SECRET: z
    .string()
    .min(32)
    .optional()
    .describe('The shared secret for INTERNAL_AUTH=shared-secret (at least 32 characters).'),
  INTERNAL_OIDC_AUDIENCE: z
    .string()
    .optional()
    .describe(
      'INTERNAL_AUTH=oidc or cloud-run-iam: the audience the tokens must carry (the function URL).',
    ),
  INTERNAL_OIDC_SERVICE_ACCOUNTS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .describe(
      'INTERNAL_AUTH=oidc or cloud-run-iam: comma-separated service accounts allowed to call (Cloud Tasks, Cloud Scheduler).',
    ),
  GOOGLE_API_EMULATOR_HOST: z
    .string()
    .regex(/^(127\.0\.0\.1|localhost):\d{1,5}$/, 'a loopback host:port')
    .optional()
    .describe(
      'Tests and the deploy simulation only: Secret Manager and Cloud Tasks calls go to this local stand-in (plaintext gRPC) instead of Google.',
    ),
  STORAGE_DRIVER: z
    .enum(['local', 'gcs'])
    .default('local')
    .describe('Where uploaded files go: a local folder, or a Cloud Storage bucket.'),
  STORAGE_LOCAL_DIR: z
    .string()
    .default('.data/storage')
    .describe('The folder when STORAGE_DRIVER=local.'),
  STORAGE_BUCKET: z.string().optional().describe('The bucket when STORAGE_DRIVER=gcs.'),
  SECRETS_DRIVER: z
    .enum(['env', 'secret-manager'])
    .default('env')
    .describe(
      'Where the server reads its own secrets (the encryption key): environment variables, or Secret Manager. Tenants never name one.',
    ),
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional()
    .describe(
      'AES-256-GCM key (base64 of 32 bytes) that encrypts webhook secrets at rest; local use. Generate: openssl rand -base64 32',
    ),
  ENCRYPTION_KEY_SECRET: z
    .string()
    .optional()
    .describe(
      'Secret Manager secret holding that key (base64), read when ENCRYPTION_KEY is unset.',
    ),
  GITHUB_API_URL: z
    .url()
    .default('https://api.github.com')
    .describe('GitHub REST API base URL (GitHub Enterprise: https://HOST/api/v3).'),
  APP_URL: z
    .url()
    .default('http://localhost:8080')
    .describe('The dashboard’s public address: the links in e-mails lead there.'),
  MAIL_DRIVER: z
    .enum(['local', 'smtp'])
    .default('local')
    .describe(
      'How e-mail goes out: written to MAIL_LOCAL_DIR with its link on the console (local), or through an SMTP relay.',
    ),
  MAIL_FROM: z
    .string()
    .min(3)
    .max(320)
    .default('Dev Context <no-reply@localhost>')
    .describe('The sender of every e-mail, e.g. "Dev Context <no-reply@example.com>".'),
  MAIL_LOCAL_DIR: z.string().default('.data/mail').describe('The folder when MAIL_DRIVER=local.'),
  SMTP_URL: z
    .url()
    .refine((v) => /^smtps?:$/.test(new URL(v).protocol) && !new URL(v).username, {
      message: 'smtp://host:port (STARTTLS) or smtps://host:port, without credentials',
    })
    .optional()
    .describe(
      'The relay when MAIL_DRIVER=smtp: smtps:// for TLS from the start, smtp:// for STARTTLS.',
    ),
  SMTP_USER: z.string().max(320).optional().describe('The relay’s user name, if it wants one.'),
  SMTP_PASSWORD: z
    .string()
    .max(1000)
    .optional()
    .describe('The relay’s password (a secret: mounted from Secret Manager in production).'),
  SMTP_CA_FILE: z
    .string()
    .optional()
    .describe(
      'A PEM file of certificate authorities to trust besides the usual ones (a relay with a private CA).',
    ),
  SMTP_REQUIRE_TLS: booleanFlag
    .default(true)
    .describe('With smtp://, refuse a relay that does not offer STARTTLS.'),
  SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10000)
    .describe('How long SIGTERM waits for in-flight requests before closing connections.'),
});

export type Config = z.infer<typeof configSchema>;
