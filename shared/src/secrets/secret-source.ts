import { lazySecretManager, type SecretManagerClientLike } from '../auth/key-sources.ts';

/**
 * Where named secrets (the encryption key, GitHub tokens) come from: Secret Manager in
 * production, the environment locally. Values are cached for a few minutes so a rotated
 * secret is picked up without a restart.
 */
export interface SecretSource {
  /** The secret's current value, or undefined when there is no such secret. */
  read(name: string): Promise<string | undefined>;
}

/** Local driver: the secret named NAME is the environment variable NAME. */
export class EnvironmentSecretSource implements SecretSource {
  readonly #env: Record<string, string | undefined>;
  constructor(env: Record<string, string | undefined> = process.env) {
    this.#env = env;
  }
  async read(name: string): Promise<string | undefined> {
    const value = this.#env[name];
    return value === undefined || value === '' ? undefined : value;
  }
}

const CACHE_MS = 5 * 60_000;

/**
 * Secret Manager driver: NAME is a full resource name (projects/P/secrets/S) or a short
 * name in `project`. Reads the latest version.
 */
export class SecretManagerSecretSource implements SecretSource {
  readonly #project: string | undefined;
  readonly #client: () => Promise<SecretManagerClientLike>;
  readonly #cache = new Map<string, { value: string | undefined; until: number }>();

  constructor(
    project: string | undefined,
    client?: SecretManagerClientLike,
    emulatorHost?: string,
  ) {
    this.#project = project;
    this.#client = client ? async () => client : lazySecretManager(emulatorHost);
  }

  async read(name: string): Promise<string | undefined> {
    const cached = this.#cache.get(name);
    if (cached && cached.until > Date.now()) return cached.value;
    const resource = name.startsWith('projects/')
      ? name
      : `projects/${this.#project ?? 'unset-project'}/secrets/${name}`;
    let value: string | undefined;
    try {
      const [version] = await (await this.#client()).accessSecretVersion({
        name: `${resource}/versions/latest`,
      });
      const data = version.payload?.data;
      value = data
        ? typeof data === 'string'
          ? data
          : Buffer.from(data).toString('utf8')
        : undefined;
    } catch (error) {
      if ((error as { code?: number }).code !== 5) throw error; // 5: NOT_FOUND
    }
    this.#cache.set(name, { value, until: Date.now() + CACHE_MS });
    return value;
  }
}
