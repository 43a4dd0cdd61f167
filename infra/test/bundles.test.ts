import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminQuery, createTestDatabase, type TestDatabase } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNames } from '../../functions/families.ts';
import { type Bundle, buildAll, installBundles } from '../../scripts/build.ts';
import { readFunctionsFile } from '../deploy/functions.ts';
import { startBundle } from './simulation.ts';

// Builds every bundle into a folder outside the repository (so Node cannot find the
// repository's node_modules), installs each one's own dependencies from its package.json
// as a deploy would, and starts it from its folder.
const run = promisify(execFile);
let out: string;
let bundles: Bundle[];
let database: TestDatabase;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'devctx-bundles-'));
  bundles = await buildAll(out);
  await installBundles(bundles);
  database = await createTestDatabase();
}, 600_000);
afterAll(async () => {
  await database?.drop();
  if (out) await rm(out, { recursive: true, force: true });
});

const bundle = (name: string) => {
  const found = bundles.find((b) => b.name === name);
  if (!found) throw new Error(`no bundle ${name}`);
  return found;
};

/** Starts a bundle from its own folder, as a developer would, and waits for GET /health. */
const start = (b: Bundle, env: Record<string, string> = {}) =>
  startBundle(b.name, b.dir, b.start, {
    DATABASE_URL: database.appUrl,
    JWT_KEYS: 'memory',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    METADATA_SERVER_DETECTION: 'none',
    LOG_LEVEL: 'warn',
    INTERNAL_SHARED_SECRET: 'bundle-test-shared-secret-0123456789',
    ...env,
  });

describe('bundles', () => {
  it('one per function target, each naming only what cannot be bundled', () => {
    expect(bundles.map((b) => b.name)).toEqual([...functionNames, 'api-server', 'migrate']);
    const allowed = [
      '@google-cloud/functions-framework',
      '@node-rs/argon2',
      '@google-cloud/tasks',
      '@google-cloud/secret-manager',
      '@google-cloud/storage',
      'google-gax',
    ];
    for (const b of bundles)
      for (const dep of Object.keys(b.dependencies)) expect(allowed, b.name).toContain(dep);
    // Only the families that hash passwords carry the native argon2 addon.
    expect(Object.keys(bundle('identity').dependencies)).toContain('@node-rs/argon2');
    expect(Object.keys(bundle('projects').dependencies)).not.toContain('@node-rs/argon2');
    expect(bundle('migrate').dependencies).toEqual({});
  });

  it('never carry the Node binary of development', async () => {
    for (const b of bundles) {
      expect(existsSync(path.join(b.dir, 'node_modules', 'node')), b.name).toBe(false);
      const files = await readdir(b.dir, { recursive: true });
      expect(
        files.filter((f) => /(^|\/)bin\/node$/.test(String(f))),
        b.name,
      ).toEqual([]);
    }
  });

  it.each(functionNames.map((name) => [name]))(
    '%s starts with functions-framework from its own folder',
    async (name) => {
      const b = bundle(name);
      const manifest = JSON.parse(await readFile(path.join(b.dir, 'package.json'), 'utf8'));
      expect(manifest.dependencies['@google-cloud/functions-framework']).toMatch(/^\d+\.\d+\.\d+$/);
      const server = await start(b);
      try {
        expect((await fetch(`${server.base}/ready`)).status).toBe(200);
        // The public families serve their API reference, assets included, offline.
        const docs = await fetch(`${server.base}/docs/assets/swagger-ui.css`);
        expect(docs.status).toBe(['worker', 'scheduler'].includes(name) ? 404 : 200);
      } finally {
        await server.stop();
      }
    },
  );

  it('a function brings V8’s compiled code for its bundle, used from wherever it is deployed, with the Node options it is deployed with', async () => {
    const deployed = await mkdtemp(path.join(tmpdir(), 'devctx-deployed-'));
    // V8 refuses code compiled under other flags: functions.yaml's options must not be such.
    const spec = readFunctionsFile().functions.find((f) => f.name === 'projects');
    try {
      await cp(bundle('projects').dir, deployed, { recursive: true });
      const { stderr } = await run(
        process.execPath,
        ['--input-type=module', '-e', "await import('./index.js');"],
        {
          cwd: deployed,
          env: {
            PATH: process.env.PATH ?? '',
            NODE_DEBUG_NATIVE: 'COMPILE_CACHE',
            NODE_OPTIONS: spec?.env.NODE_OPTIONS ?? '',
            DATABASE_URL: database.appUrl,
            JWT_KEYS: 'memory',
            ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
            METADATA_SERVER_DETECTION: 'none',
          },
        },
      );
      expect(stderr).toMatch(/V8 code cache for ESM file:\/\/\S+\/app\.js was accepted/);
    } finally {
      await rm(deployed, { recursive: true, force: true });
    }
    // Nor does any carry zod's error messages in forty languages.
    const code = await readFile(path.join(bundle('api').dir, 'app.js'), 'utf8');
    expect(code).not.toContain('erwartet'); // German: "expected"
  });

  it('the migration job applies every migration to an empty database, from its own folder', async () => {
    const name = `devctx_bundle_${Date.now()}`;
    const serverUrl = new URL(database.adminUrl);
    await adminQuery(database.adminUrl, `create database ${name}`);
    serverUrl.pathname = `/${name}`;
    try {
      await run(process.execPath, ['index.js', '--bootstrap'], {
        cwd: bundle('migrate').dir,
        env: { PATH: process.env.PATH ?? '', MIGRATION_DATABASE_URL: serverUrl.toString() },
      });
      const applied = await adminQuery(
        serverUrl.toString(),
        'select count(*)::int as n from migrations',
      );
      const files = (await readdir(path.join(bundle('migrate').dir, 'sql', 'migrations'))).filter(
        (f) => f.endsWith('.sql'),
      );
      expect(applied[0]?.n).toBe(files.length + 1); // and postgres-migrations' own table
    } finally {
      await adminQuery(database.adminUrl, `drop database if exists ${name} with (force)`);
    }
  });

  it('the api server bundle serves every family', async () => {
    const server = await start(bundle('api-server'));
    try {
      const doc = (await (await fetch(`${server.base}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      for (const path of [
        '/v1/auth/signup',
        '/v1/projects',
        '/v1/sessions',
        '/v1/repositories',
        '/v1/webhooks/github/{repositoryId}',
      ]) {
        expect(Object.keys(doc.paths)).toContain(path);
      }
      // The web dashboard, from the bundle's own web/ folder: the page and its assets.
      const page = await (await fetch(`${server.base}/`)).text();
      const assets = [...page.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
      expect(assets.length).toBeGreaterThanOrEqual(2);
      for (const asset of assets) expect((await fetch(`${server.base}${asset}`)).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
