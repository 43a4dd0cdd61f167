import { z } from 'zod';

/**
 * Every environment variable the product reads, in one place. A wrong or missing value
 * stops start-up with one message that names it (see ConfigError), never later at first use.
 */
const port = z.coerce.number().int().min(0).max(65535); // 0: any free port (tests)

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: port.default(8080).describe('Port the HTTP server listens on.'),
  DATABASE_URL: z
    .string()
    .url()
    .describe('PostgreSQL connection URL of the runtime role (not the owner, not a superuser).'),
  DATABASE_POOL_MAX: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Maximum connections in this instance’s pool.'),
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
  SHUTDOWN_GRACE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10000)
    .describe('How long SIGTERM waits for in-flight requests before closing connections.'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const given = env[name];
    const shown = given === undefined ? 'not set' : `got "${redact(name, given)}"`;
    return `${name}: ${issue.message} (${shown})`;
  });
  throw new ConfigError(problems);
}

/** Connection URLs carry passwords; a start-up message must never print them. */
function redact(name: string, value: string): string {
  if (!name.endsWith('_URL')) return value;
  return value.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
