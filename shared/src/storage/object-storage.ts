import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

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
}

/** The part of @google-cloud/storage's Bucket this driver uses. */
export interface BucketLike {
  file(name: string): {
    save(data: Buffer, options: { contentType: string; resumable: boolean }): Promise<unknown>;
    download(): Promise<[Buffer]>;
    delete(options: { ignoreNotFound: boolean }): Promise<unknown>;
  };
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
}

/** The driver the configuration names (validated at start-up). */
export function storageFor(config: {
  STORAGE_DRIVER: 'local' | 'gcs';
  STORAGE_LOCAL_DIR: string;
  STORAGE_BUCKET?: string | undefined;
}): ObjectStorage {
  return config.STORAGE_DRIVER === 'gcs'
    ? new CloudObjectStorage(config.STORAGE_BUCKET as string)
    : new LocalObjectStorage(config.STORAGE_LOCAL_DIR);
}
