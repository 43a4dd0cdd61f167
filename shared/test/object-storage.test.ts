import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type BucketLike,
  CloudObjectStorage,
  LocalObjectStorage,
  type ObjectStorage,
  objectPath,
} from '../src/storage/object-storage.ts';

const tenant = '11111111-1111-4111-8111-111111111111';
const other = '22222222-2222-4222-8222-222222222222';

/** An in-memory stand-in for a Cloud Storage bucket. */
class FakeBucket implements BucketLike {
  objects = new Map<string, { data: Buffer; contentType: string }>();
  file(name: string) {
    return {
      save: async (data: Buffer, options: { contentType: string }) => {
        this.objects.set(name, { data, contentType: options.contentType });
      },
      download: async (): Promise<[Buffer]> => {
        const object = this.objects.get(name);
        if (!object) throw Object.assign(new Error('No such object'), { code: 404 });
        return [object.data];
      },
      delete: async () => {
        this.objects.delete(name);
      },
    };
  }
}

const drivers: [string, () => Promise<ObjectStorage>][] = [
  [
    'local folder',
    async () => new LocalObjectStorage(await mkdtemp(path.join(tmpdir(), 'devctx-storage-'))),
  ],
  ['Cloud Storage', async () => new CloudObjectStorage('bucket', new FakeBucket())],
];

describe.each(drivers)('object storage: %s', (_, make) => {
  it('stores, reads back and deletes, per tenant', async () => {
    const storage = await make();
    await storage.put(
      tenant,
      'imports/job-1/export.json',
      Buffer.from('{"a":1}'),
      'application/json',
    );
    expect((await storage.get(tenant, 'imports/job-1/export.json'))?.toString()).toBe('{"a":1}');
    expect(await storage.get(other, 'imports/job-1/export.json')).toBeUndefined();
    await storage.delete(tenant, 'imports/job-1/export.json');
    expect(await storage.get(tenant, 'imports/job-1/export.json')).toBeUndefined();
  });
});

describe('object keys', () => {
  it('are prefixed by the tenant and cannot climb out of it', () => {
    expect(objectPath(tenant, 'imports/a.json')).toBe(`tenants/${tenant}/imports/a.json`);
    for (const key of ['../x', 'a/../../b', '/abs', 'a//b', '', 'a b'])
      expect(() => objectPath(tenant, key)).toThrow();
    expect(() => objectPath('not-a-tenant', 'a')).toThrow();
  });

  it('the Cloud Storage driver writes under the tenant prefix with the content type', async () => {
    const bucket = new FakeBucket();
    await new CloudObjectStorage('bucket', bucket).put(
      tenant,
      'x.jsonl',
      Buffer.from('{}'),
      'application/x-ndjson',
    );
    expect([...bucket.objects.entries()].map(([k, v]) => [k, v.contentType])).toEqual([
      [`tenants/${tenant}/x.jsonl`, 'application/x-ndjson'],
    ]);
  });
});
