import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  APP_ROLE,
  bootstrapDatabase,
  migrateDatabase,
  urlForDatabase,
  urlForRole,
} from '@devctx/shared';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../../scripts/lib/embedded-postgres.ts';

/** Peak resident memory (MB) of each server process a scenario started, in order. */
export const serverPeaksMb: number[] = [];

export interface BenchEnvironment {
  baseUrl: string;
  /** The runtime role's connection to the benchmark's database. */
  appDatabaseUrl: string;
  /** A superuser's connection to it, for bulk loading. */
  adminUrl: string;
  /** The server process's exit code, or null while it runs. */
  exitCode(): number | null;
  /** Signs a new tenant up through the API: its owner's access token and ids. */
  signup(slug: string): Promise<{ token: string; tenantId: string; userId: string }>;
  /** Moves a tenant to another tier, as the platform operator does (tenants cannot). */
  setTier(slug: string, tier: 'free' | 'pro' | 'enterprise'): Promise<void>;
  /** A new empty folder for the scenario's files, removed by stop(). */
  scratchDirectory(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** A new empty folder under the system's temporary one (the caller removes it). */
export const temporaryDirectory = (name: string) =>
  mkdtemp(path.join(tmpdir(), `devctx-bench-${name}-`));

/**
 * A fresh migrated database (on `serverUrl`, else DATABASE_URL's server, else an embedded
 * PostgreSQL) and the api server as a real child process on 127.0.0.1, configured by `env`.
 */
export async function startEnvironment(
  env: Record<string, string>,
  serverUrl = process.env.DATABASE_URL,
): Promise<BenchEnvironment> {
  // Removed by stop(): each run would otherwise leave its folders behind.
  const scratch: string[] = [];
  const scratchDirectory = async (name: string) => {
    const dir = await temporaryDirectory(name);
    scratch.push(dir);
    return dir;
  };
  let stopPostgres = async () => {};
  if (!serverUrl) {
    const cluster = await startEmbeddedPostgres({
      dataDir: path.join(await scratchDirectory('pg'), 'data'),
      port: await freePort(),
      password: 'unused-with-trust',
      authMethod: 'trust',
      persistent: false,
    });
    serverUrl = cluster.adminUrl;
    stopPostgres = cluster.stop;
  }
  await bootstrapDatabase(serverUrl);
  const name = `devctx_bench_${randomBytes(6).toString('hex')}`;
  await admin(serverUrl, `create database ${name} owner devctx_owner`);
  const adminUrl = urlForDatabase(serverUrl, name);
  await bootstrapDatabase(adminUrl);
  await migrateDatabase(adminUrl);

  const port = await freePort();
  const root = path.resolve(import.meta.dirname, '..', '..');
  const appDatabaseUrl = urlForRole(adminUrl, APP_ROLE);
  const profile = process.env.BENCH_CPU_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, 'functions/api/src/main.ts'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      PATH: process.env.PATH ?? '',
      METADATA_SERVER_DETECTION: 'none',
      DATABASE_URL: appDatabaseUrl,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_KEYS: 'memory',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATABASE_POOL_MAX: '10',
      ...env,
    },
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  // The server's resident memory, sampled through the run; its peak goes into the report.
  let peakKb = 0;
  const sampler = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    peakKb = Math.max(peakKb, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }, 200);
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${baseUrl}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    baseUrl,
    appDatabaseUrl,
    adminUrl,
    exitCode: () => child.exitCode ?? (child.signalCode ? -1 : null),
    signup: async (slug) => {
      const reply = await fetch(`${baseUrl}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          tenant: { name: slug, slug },
          user: { email: `owner@${slug}.example`, password: 'benchmark passphrase 1', name: 'B' },
        }),
      });
      if (!reply.ok) throw new Error(`signup ${slug}: ${reply.status} ${await reply.text()}`);
      const body = (await reply.json()) as {
        accessToken: string;
        tenant: { id: string };
        user: { id: string };
      };
      return { token: body.accessToken, tenantId: body.tenant.id, userId: body.user.id };
    },
    setTier: (slug, tier) =>
      admin(
        adminUrl,
        `update tenants set tier = '${tier}' where slug = '${slug.replaceAll("'", "''")}'`,
      ),
    scratchDirectory,
    stop: async () => {
      clearInterval(sampler);
      serverPeaksMb.push(Math.round(peakKb / 1024));
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await admin(serverUrl as string, `drop database if exists ${name} with (force)`);
      await stopPostgres();
      for (const dir of scratch) await rm(dir, { recursive: true, force: true });
    },
  };
}

async function admin(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Writes a corpus straight into PostgreSQL as a superuser, in one transaction, then
 * analyses it as autovacuum would have by the time anyone reads it.
 */
export async function bulkLoad(adminUrl: string, load: (client: pg.Client) => Promise<void>) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('begin');
    await load(client);
    await client.query('commit');
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

/**
 * A project 'app' with one task list 'Work', for a corpus's tasks, and a repository
 * 'bench/app' of it, for its commits.
 */
export async function projectWithList(client: pg.Client, tenantId: string) {
  const project = (
    await client.query<{ id: string }>(
      `insert into projects (tenant_id, slug, name) values ($1, 'app', 'App') returning id`,
      [tenantId],
    )
  ).rows[0]?.id;
  const list = (
    await client.query<{ id: string }>(
      `insert into task_lists (tenant_id, project_id, name) values ($1, $2, 'Work') returning id`,
      [tenantId, project],
    )
  ).rows[0]?.id;
  const repo = (
    await client.query<{ id: string }>(
      `insert into repositories (tenant_id, provider, full_name, project_id, webhook_secret)
         values ($1, 'github', 'bench/app', $2, '\\x00') returning id`,
      [tenantId, project],
    )
  ).rows[0]?.id;
  return { project, list, repo };
}
