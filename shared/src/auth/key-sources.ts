import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JWK } from 'jose';
import { googleClientOptions } from '../google-clients.ts';

export interface SigningKeyRecord {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
  createdAt: string;
}

/** Oldest first; the last key signs, every key listed still verifies. */
export interface KeySet {
  keys: SigningKeyRecord[];
}

/** Where the signing keys live: memory (tests), a file under .data/ (local), Secret Manager. */
export interface KeySetSource {
  readonly name: string;
  load(): Promise<KeySet | undefined>;
  save(set: KeySet): Promise<void>;
  /** Whether a missing key set may be generated on first use (never in production). */
  readonly createIfMissing: boolean;
}

export class MemoryKeySource implements KeySetSource {
  readonly name = 'memory';
  readonly createIfMissing = true;
  #set: KeySet | undefined;
  async load() {
    return this.#set;
  }
  async save(set: KeySet) {
    this.#set = structuredClone(set);
  }
}

export class FileKeySource implements KeySetSource {
  readonly name: string;
  readonly createIfMissing = true;
  readonly file: string;
  constructor(file: string) {
    this.file = file;
    this.name = `file ${file}`;
  }
  async load() {
    if (!existsSync(this.file)) return undefined;
    return JSON.parse(await readFile(this.file, 'utf8')) as KeySet;
  }
  async save(set: KeySet) {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(set, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file); // atomic: a reader never sees half a key set
  }
}

/** The part of @google-cloud/secret-manager's client this driver uses. */
export interface SecretManagerClientLike {
  accessSecretVersion(request: {
    name: string;
  }): Promise<[{ payload?: { data?: Uint8Array | string | null } | null }, ...unknown[]]>;
  addSecretVersion(request: { parent: string; payload: { data: Buffer } }): Promise<unknown>;
}

/**
 * Production: the key set is the latest version of one secret
 * (`projects/P/secrets/S`). Rotation adds a version; instances pick it up on reload.
 */
export class SecretManagerKeySource implements KeySetSource {
  readonly name: string;
  readonly createIfMissing = false;
  readonly #secret: string;
  readonly #client: () => Promise<SecretManagerClientLike>;

  constructor(secret: string, client?: SecretManagerClientLike, emulatorHost?: string) {
    this.#secret = secret;
    this.name = `secret ${secret}`;
    this.#client = client ? async () => client : lazySecretManager(emulatorHost);
  }

  async load(): Promise<KeySet | undefined> {
    const client = await this.#client();
    try {
      const [version] = await client.accessSecretVersion({
        name: `${this.#secret}/versions/latest`,
      });
      const data = version.payload?.data;
      if (!data) return undefined;
      const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
      return JSON.parse(text) as KeySet;
    } catch (error) {
      if ((error as { code?: number }).code === 5) return undefined; // NOT_FOUND
      throw error;
    }
  }

  async save(set: KeySet): Promise<void> {
    const client = await this.#client();
    await client.addSecretVersion({
      parent: this.#secret,
      payload: { data: Buffer.from(JSON.stringify(set)) },
    });
  }
}

/** The Google client is loaded only when first needed: it is heavy, and local runs never use it. */
export function lazySecretManager(emulatorHost?: string): () => Promise<SecretManagerClientLike> {
  let client: Promise<SecretManagerClientLike> | undefined;
  return () => {
    client ??= Promise.all([
      import('@google-cloud/secret-manager'),
      googleClientOptions(emulatorHost),
    ]).then(
      ([m, options]) =>
        new m.SecretManagerServiceClient(options) as unknown as SecretManagerClientLike,
    );
    return client;
  };
}
