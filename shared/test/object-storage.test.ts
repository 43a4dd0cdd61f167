import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { text } from 'node:stream/consumers';
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
      createWriteStream: (options: { contentType: string }) => {
        const chunks: Buffer[] = [];
        return new Writable({
          write: (chunk, _encoding, done) => {
            chunks.push(chunk);
            done();
          },
          final: (done) => {
            this.objects.set(name, {
              data: Buffer.concat(chunks),
              contentType: options.contentType,
            });
            done();
          },
        });
      },
      createReadStream: () => Readable.from([this.objects.get(name)?.data ?? Buffer.alloc(0)]),
      exists: async (): Promise<[boolean]> => [this.objects.has(name)],
    };
  }
  async getFiles(options: { prefix: string }): Promise<[{ name: string }[]]> {
    return [
      [...this.objects.keys()]
        .filter((k) => k.startsWith(options.prefix))
        .map((name) => ({ name })),
    ];
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

  it('writes and reads a stream, lists a tenant’s keys and no other’s', async () => {
    const storage = await make();
    const lines = Array.from({ length: 1000 }, (_, i) => `{"n":${i}}\n`);
    await storage.putStream(
      tenant,
      'exports/a.ndjson',
      Readable.from(lines),
      'application/x-ndjson',
    );
    await storage.put(other, 'exports/b.ndjson', Buffer.from('x'), 'application/x-ndjson');
    const read = await storage.getStream(tenant, 'exports/a.ndjson');
    expect(read && (await text(read))).toBe(lines.join(''));
    expect(await storage.getStream(tenant, 'exports/none.ndjson')).toBeUndefined();
    expect(await storage.list(tenant)).toEqual(['exports/a.ndjson']);
    // A failed source leaves no object behind.
    const failing = Readable.from(
      (async function* () {
        yield 'half';
        throw new Error('source broke');
      })(),
    );
    await expect(
      storage.putStream(tenant, 'exports/c.ndjson', failing, 'text/plain'),
    ).rejects.toThrow('source broke');
    expect(await storage.list(tenant)).toEqual(['exports/a.ndjson']);
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
