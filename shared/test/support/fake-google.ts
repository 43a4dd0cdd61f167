import { createHash } from 'node:crypto';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// Local stand-ins for what Google serves, driven by the real client libraries: Secret
// Manager and Cloud Tasks are in-process gRPC servers for the real service definitions (the
// protos the clients ship), reached with GOOGLE_API_EMULATOR_HOST; Cloud Storage is a small
// JSON API server, reached with STORAGE_EMULATOR_HOST. No emulator for any of them exists.

const require = createRequire(import.meta.url);
/** <package root>/build/protos: the root is the nearest folder above the entry point named so. */
export const protosOf = (pkg: string) => {
  const entry = require.resolve(pkg);
  const marker = `${path.sep}node_modules${path.sep}${pkg}${path.sep}`;
  return path.join(entry.slice(0, entry.indexOf(marker) + marker.length), 'build', 'protos');
};

export interface CreatedTask {
  parent: string;
  task: {
    name: string;
    httpRequest: {
      url: string;
      httpMethod: string;
      headers: Record<string, string>;
      body: Buffer;
      oidcToken: { serviceAccountEmail: string; audience: string };
    };
    dispatchDeadline: { seconds: string };
  };
}

type Unary<Req> = (
  call: grpc.ServerUnaryCall<Req, unknown>,
  done: grpc.sendUnaryData<unknown>,
) => void;
const fail = (done: grpc.sendUnaryData<unknown>, code: grpc.status, details: string) =>
  done({ code, details }, null);

function load<T>(file: string, packages: string[]): T {
  const definition = protoLoader.loadSync(file, {
    includeDirs: [...packages.map(protosOf), protosOf('google-gax')],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition) as T;
}

export interface FakeGoogle {
  /** For GOOGLE_API_EMULATOR_HOST. */
  grpcHost: string;
  /** For STORAGE_EMULATOR_HOST. */
  storageUrl: string;
  /** Secret versions by secret resource name (projects/P/secrets/S), oldest first. */
  secrets: Map<string, string[]>;
  /** Queues that exist (projects/P/locations/L/queues/Q); tasks for others are NOT_FOUND. */
  queues: Set<string>;
  tasks: CreatedTask[];
  /** Objects by bucket and name. */
  objects: Map<string, Buffer>;
  /** Called with every task created, to deliver it. */
  onTask?: (task: CreatedTask) => void;
  close(): Promise<void>;
}

export async function startFakeGoogle(): Promise<FakeGoogle> {
  const fake: Omit<FakeGoogle, 'grpcHost' | 'storageUrl' | 'close'> = {
    secrets: new Map(),
    queues: new Set(),
    tasks: [],
    objects: new Map(),
  };
  const server = new grpc.Server();

  const tasks = load<{
    google: { cloud: { tasks: { v2: { CloudTasks: { service: grpc.ServiceDefinition } } } } };
  }>('google/cloud/tasks/v2/cloudtasks.proto', ['@google-cloud/tasks']);
  const createTask: Unary<CreatedTask> = (call, done) => {
    const request = call.request;
    if (!fake.queues.has(request.parent))
      return fail(done, grpc.status.NOT_FOUND, `Queue ${request.parent} does not exist`);
    if (fake.tasks.some((t) => t.task.name === request.task.name))
      return fail(done, grpc.status.ALREADY_EXISTS, 'task exists');
    fake.tasks.push(request);
    (fake as FakeGoogle).onTask?.(request);
    done(null, request.task);
  };
  server.addService(tasks.google.cloud.tasks.v2.CloudTasks.service, { createTask });

  const secretManager = load<{
    google: {
      cloud: {
        secretmanager: { v1: { SecretManagerService: { service: grpc.ServiceDefinition } } };
      };
    };
  }>('google/cloud/secretmanager/v1/service.proto', ['@google-cloud/secret-manager']);
  const accessSecretVersion: Unary<{ name: string }> = (call, done) => {
    const match = /^(projects\/[^/]+\/secrets\/[^/]+)\/versions\/(latest|\d+)$/.exec(
      call.request.name,
    );
    const versions = match ? fake.secrets.get(match[1] as string) : undefined;
    const version = match?.[2] === 'latest' ? versions?.length : Number(match?.[2]);
    const data = versions && version ? versions[version - 1] : undefined;
    if (data === undefined)
      return fail(done, grpc.status.NOT_FOUND, `Secret version ${call.request.name} not found`);
    done(null, { name: `${match?.[1]}/versions/${version}`, payload: { data: Buffer.from(data) } });
  };
  const addSecretVersion: Unary<{ parent: string; payload: { data: Buffer } }> = (call, done) => {
    const versions = fake.secrets.get(call.request.parent);
    if (!versions)
      return fail(done, grpc.status.NOT_FOUND, `Secret ${call.request.parent} not found`);
    versions.push(Buffer.from(call.request.payload.data).toString('utf8'));
    done(null, { name: `${call.request.parent}/versions/${versions.length}` });
  };
  server.addService(secretManager.google.cloud.secretmanager.v1.SecretManagerService.service, {
    accessSecretVersion,
    addSecretVersion,
  });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const storage = http.createServer((req, res) => void serveStorage(fake.objects, req, res));
  await new Promise<void>((resolve) => storage.listen(0, '127.0.0.1', resolve));
  return Object.assign(fake, {
    grpcHost: `127.0.0.1:${port}`,
    storageUrl: `http://127.0.0.1:${(storage.address() as AddressInfo).port}`,
    close: async () => {
      server.forceShutdown();
      storage.closeAllConnections();
      await new Promise((resolve) => storage.close(resolve));
    },
  });
}

/**
 * The slice of Cloud Storage's JSON API the driver uses: a multipart upload, a media
 * download, a delete, an object's metadata, and a listing by prefix.
 */
async function serveStorage(
  objects: Map<string, Buffer>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  const url = new URL(req.url ?? '/', 'http://storage');
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const json = (status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (upload && req.method === 'POST') {
    const { name, data } = multipart(body, req.headers['content-type'] ?? '', url);
    objects.set(`${upload[1]}/${name}`, data);
    return json(200, describe(upload[1] as string, name, data));
  }
  // With STORAGE_EMULATOR_HOST the client leaves /storage/v1 out of its JSON API paths.
  const list = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o$/.exec(url.pathname);
  if (list && req.method === 'GET') {
    const prefix = `${list[1]}/${url.searchParams.get('prefix') ?? ''}`;
    const items = [...objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) =>
        describe(
          list[1] as string,
          key.slice((list[1] as string).length + 1),
          objects.get(key) as Buffer,
        ),
      );
    return json(200, { kind: 'storage#objects', items });
  }
  const object = /^(?:\/storage\/v1)?\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
  if (object) {
    const key = `${object[1]}/${decodeURIComponent(object[2] as string)}`;
    const data = objects.get(key);
    if (req.method === 'DELETE') {
      if (!data) return json(404, { error: { code: 404, message: 'No such object' } });
      objects.delete(key);
      res.writeHead(204).end();
      return;
    }
    if (!data) return json(404, { error: { code: 404, message: 'No such object' } });
    if (url.searchParams.get('alt') === 'media') {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(data);
    }
    return json(200, {
      bucket: object[1],
      name: decodeURIComponent(object[2] as string),
      size: String(data.length),
    });
  }
  json(404, { error: { code: 404, message: `No route ${req.method} ${url.pathname}` } });
}

/** An object's metadata, with the hashes the client checks its upload against. */
const describe = (bucket: string, name: string, data: Buffer) => ({
  bucket,
  name,
  size: String(data.length),
  md5Hash: createHash('md5').update(data).digest('base64'),
  crc32c: crc32c(data),
});

/** CRC-32C (Castagnoli), big-endian and base64, as Cloud Storage reports it. */
function crc32c(data: Buffer): string {
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** The object's name and bytes from a multipart/related upload (metadata JSON, then media). */
function multipart(body: Buffer, contentType: string, url: URL): { name: string; data: Buffer } {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return { name: url.searchParams.get('name') ?? '', data: body };
  const parts = body
    .toString('latin1')
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => part.slice(part.indexOf('\r\n\r\n') + 4, part.lastIndexOf('\r\n')));
  const metadata = JSON.parse(Buffer.from(parts[0] ?? '{}', 'latin1').toString('utf8'));
  // The client names the object in the query (older versions, in the metadata part).
  const name = url.searchParams.get('name') ?? metadata.name ?? '';
  return { name, data: Buffer.from(parts[1] ?? '', 'latin1') };
}
