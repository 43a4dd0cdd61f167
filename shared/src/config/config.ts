import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { type Config, configSchema } from './variables.ts';

export { type Config, configSchema } from './variables.ts';

/** Rules across variables, checked after each variable is valid on its own. */
const crossChecks = configSchema.superRefine((config, issues) => {
  if (config.JWT_KEYS === 'secret-manager' && !config.JWT_KEYS_SECRET) {
    issues.addIssue({
      code: 'custom',
      path: ['JWT_KEYS_SECRET'],
      message: 'required when JWT_KEYS=secret-manager',
    });
  }
  if (config.NODE_ENV === 'production' && config.JWT_KEYS !== 'secret-manager') {
    issues.addIssue({
      code: 'custom',
      path: ['JWT_KEYS'],
      message: 'must be secret-manager in production',
    });
  }
  const required = (names: (keyof Config)[], when: string) => {
    for (const name of names) {
      const value = config[name];
      if (value === undefined || (Array.isArray(value) && value.length === 0)) {
        issues.addIssue({ code: 'custom', path: [name], message: `required when ${when}` });
      }
    }
  };
  if (config.NODE_ENV === 'production' && config.ENCRYPTION_KEY) {
    issues.addIssue({
      code: 'custom',
      path: ['ENCRYPTION_KEY'],
      message: 'must not be set in production: use ENCRYPTION_KEY_SECRET (Secret Manager)',
    });
  }
  if (config.STORAGE_DRIVER === 'gcs') required(['STORAGE_BUCKET'], 'STORAGE_DRIVER=gcs');
  if (config.MAIL_DRIVER === 'smtp') required(['SMTP_URL'], 'MAIL_DRIVER=smtp');
  if (config.SMTP_USER && !config.SMTP_PASSWORD) required(['SMTP_PASSWORD'], 'SMTP_USER is set');
  if (config.TASKS_DRIVER === 'cloud-tasks') {
    required(
      ['CLOUD_TASKS_PROJECT', 'CLOUD_TASKS_LOCATION', 'WORKER_URL', 'TASKS_SERVICE_ACCOUNT'],
      'TASKS_DRIVER=cloud-tasks',
    );
  }
  if (config.INTERNAL_AUTH !== 'shared-secret') {
    required(
      ['INTERNAL_OIDC_AUDIENCE', 'INTERNAL_OIDC_SERVICE_ACCOUNTS'],
      `INTERNAL_AUTH=${config.INTERNAL_AUTH}`,
    );
  }
  // Whether shared-secret is refused depends on the process (see requireInternalAuth);
  // a shared secret in production is a mistake wherever it is set.
  if (config.NODE_ENV === 'production' && config.INTERNAL_SHARED_SECRET) {
    issues.addIssue({
      code: 'custom',
      path: ['INTERNAL_SHARED_SECRET'],
      message: 'must not be set in production: internal callers present Google OIDC tokens',
    });
  }
});

/**
 * A process that serves internal routes (the worker, the scheduler) checks its callers with
 * Google OIDC tokens in production: a shared secret there would be one leaked value away
 * from running any job.
 */
export function requireInternalAuth(config: Config): void {
  if (config.NODE_ENV === 'production' && config.INTERNAL_AUTH === 'shared-secret') {
    throw new ConfigError([
      'INTERNAL_AUTH: must be cloud-run-iam or oidc in production, in a process that serves internal routes (got "shared-secret")',
    ]);
  }
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(given: Record<string, string | undefined> = process.env): Config {
  const { env, fromFiles } = withFileValues(given);
  const parsed = crossChecks.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name}: ${issue.message} (${describeGiven(name, env[name], fromFiles.has(name))})`;
  });
  throw new ConfigError(problems);
}

/**
 * NAME_FILE=/path sets NAME to that file's content (trailing newline dropped) when NAME
 * itself is unset: how Kubernetes and Cloud Run mount secrets as files. A variable whose
 * own name ends in _FILE (JWT_KEYS_FILE) is a setting in its own right, never this form.
 */
function withFileValues(given: Record<string, string | undefined>) {
  const env = { ...given };
  /** Variables read from a NAME_FILE: mounted secrets, never repeated in a message. */
  const fromFiles = new Set<string>();
  for (const name of Object.keys(configSchema.shape)) {
    const fileVariable = `${name}_FILE`;
    if (Object.hasOwn(configSchema.shape, fileVariable)) continue;
    const file = given[fileVariable];
    if (file && given[name] === undefined) {
      try {
        env[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
        fromFiles.add(name);
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new ConfigError([`${fileVariable}: cannot read ${file} (${reason})`]);
      }
    }
  }
  return { env, fromFiles };
}

/** Variables that only ever hold a choice or a number: an error may repeat what was given. */
let choices: Set<string> | undefined;
function isChoice(name: string): boolean {
  choices ??= choiceVariables();
  return choices.has(name);
}

function choiceVariables(): Set<string> {
  const json = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties: Record<string, { type?: string; enum?: unknown[] }>;
  };
  return new Set(
    Object.entries(json.properties)
      .filter(([, p]) => p.enum || p.type === 'integer' || p.type === 'number')
      .map(([name]) => name),
  );
}

/**
 * What a start-up error says of a value. Redacted by default, since a wrong value is often
 * a secret in the wrong place: only short plain values of choice and number variables are
 * repeated, and URLs without their password; anything else by its length alone.
 */
function describeGiven(name: string, given: string | undefined, fromFile: boolean): string {
  if (given === undefined) return 'not set';
  if (fromFile) return `read from ${name}_FILE, ${given.length} characters`;
  if (isChoice(name) && /^[\w.:-]{1,40}$/.test(given)) return `got "${given}"`;
  if (name.endsWith('_URL')) {
    try {
      const url = new URL(given);
      if (url.password) url.password = '***';
      return `got "${url.href}"`;
    } catch {
      // A socket URL (empty host) is no WHATWG URL: said only by its length.
      return `${given.length} characters, not shown`;
    }
  }
  return `${given.length} characters, not shown`;
}
