import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Where uploaded files (imports, exports) live: Cloud Storage in production, a folder
 * locally and in tests. Keys are always prefixed by the tenant, so no key can name
 * another tenant's object.
 */
export interface ObjectStorage {
  readonly name: string;
  put(tenantId: string, key: string, data: Buffer, contentType: string): Promise<void>;
  get(tenantId: string, key: string): Promise<Buffer | undefined>;
  delete(tenantId: string, key: string): Promise<void>;
  /** Writes an object from a stream (an archive), never whole in memory; all or nothing. */
  putStream(tenantId: string, key: string, source: Readable, contentType: string): Promise<void>;
  /** Reads an object as a stream; undefined when there is none. */
  getStream(tenantId: string, key: string): Promise<Readable | undefined>;
  /** The keys of every object of the tenant (a deleted tenant's check: none left). */
  list(tenantId: string): Promise<string[]>;
}

const KEY = /^[\w.-]+(?:\/[\w.-]+)*$/;
const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** `tenants/<tenant>/<key>`, refusing anything that could climb out of it. */
export function objectPath(tenantId: string, key: string): string {
  if (!UUID.test(tenantId)) throw new Error('storage: tenant id must be a UUID');
  if (!KEY.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`storage: invalid key ${JSON.stringify(key)}`);
  }
  return `tenants/${tenantId.toLowerCase()}/${key}`;
}

export class LocalObjectStorage implements ObjectStorage {
  readonly name: string;
  readonly #root: string;
  constructor(root: string) {
    this.#root = path.resolve(root);
    this.name = `folder ${this.#root}`;
  }
  async put(tenantId: string, key: string, data: Buffer) {
    const file = path.join(this.#root, objectPath(tenantId, key));
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, data);
  }
  async get(tenantId: string, key: string) {
    const file = path.join(this.#root, objectPath(tenantId, key));
    if (!(await stat(file).catch(() => undefined))) return undefined;
    return readFile(file);
  }
  async delete(tenantId: string, key: string) {
    await rm(path.join(this.#root, objectPath(tenantId, key)), { force: true });
  }
  async putStream(tenantId: string, key: string, source: Readable) {
    const file = path.join(this.#root, objectPath(tenantId, key));
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside, then renamed: a reader never sees half an object.
    const partial = `${file}.partial`;
    try {
      await pipeline(source, createWriteStream(partial));
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
  }
  async getStream(tenantId: string, key: string) {
    const file = path.join(this.#root, objectPath(tenantId, key));
    if (!(await stat(file).catch(() => undefined))) return undefined;
    return createReadStream(file);
  }
  async list(tenantId: string) {
    const base = path.join(this.#root, path.dirname(objectPath(tenantId, 'x')));
    const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(base, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
      .sort();
  }
}

/** The part of @google-cloud/storage's Bucket this driver uses. */
export interface BucketLike {
  file(name: string): {
    save(data: Buffer, options: { contentType: string; resumable: boolean }): Promise<unknown>;
    download(): Promise<[Buffer]>;
    delete(options: { ignoreNotFound: boolean }): Promise<unknown>;
    createWriteStream(options: { contentType: string; resumable: boolean }): Writable;
    createReadStream(): Readable;
    exists(): Promise<[boolean]>;
  };
  getFiles(options: { prefix: string }): Promise<[{ name: string }[]]>;
}

export class CloudObjectStorage implements ObjectStorage {
  readonly name: string;
  readonly #bucket: () => Promise<BucketLike>;
  constructor(bucketName: string, bucket?: BucketLike) {
    this.name = `bucket ${bucketName}`;
    let loaded: Promise<BucketLike> | undefined;
    // The Google client loads only when first used: heavy, and never needed locally.
    this.#bucket = bucket
      ? async () => bucket
      : () => {
          loaded ??= import('@google-cloud/storage').then(
            (m) => new m.Storage().bucket(bucketName) as unknown as BucketLike,
          );
          return loaded;
        };
  }
  async put(tenantId: string, key: string, data: Buffer, contentType: string) {
    await (await this.#bucket())
      .file(objectPath(tenantId, key))
      .save(data, { contentType, resumable: false });
  }
  async get(tenantId: string, key: string) {
    try {
      const [data] = await (await this.#bucket()).file(objectPath(tenantId, key)).download();
      return data;
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  }
  async delete(tenantId: string, key: string) {
    await (await this.#bucket()).file(objectPath(tenantId, key)).delete({ ignoreNotFound: true });
  }
  async putStream(tenantId: string, key: string, source: Readable, contentType: string) {
    // Cloud Storage makes an object visible only once its upload completed.
    const file = (await this.#bucket()).file(objectPath(tenantId, key));
    await pipeline(source, file.createWriteStream({ contentType, resumable: false }));
  }
  async getStream(tenantId: string, key: string) {
    const file = (await this.#bucket()).file(objectPath(tenantId, key));
    const [exists] = await file.exists();
    return exists ? file.createReadStream() : undefined;
  }
  async list(tenantId: string) {
    const prefix = `${path.posix.dirname(objectPath(tenantId, 'x'))}/`;
    const [files] = await (await this.#bucket()).getFiles({ prefix });
    return files.map((f) => f.name.slice(prefix.length)).sort();
  }
}

const drivers = new WeakMap<object, ObjectStorage>();

/** The driver the configuration names (validated at start-up), made once per configuration. */
export function storageFor(config: {
  STORAGE_DRIVER: 'local' | 'gcs';
  STORAGE_LOCAL_DIR: string;
  STORAGE_BUCKET?: string | undefined;
}): ObjectStorage {
  let driver = drivers.get(config);
  if (!driver) {
    driver =
      config.STORAGE_DRIVER === 'gcs'
        ? new CloudObjectStorage(config.STORAGE_BUCKET as string)
        : new LocalObjectStorage(config.STORAGE_LOCAL_DIR);
    drivers.set(config, driver);
  }
  return driver;
}
