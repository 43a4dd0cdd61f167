import { createRequire } from 'node:module';
import path from 'node:path';
import { adminQuery, createTestDatabase, type TestDatabase } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnNode, waitForHttp } from './process.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe('the api server process (GKE variant, npm run serve)', () => {
  it('serves, survives killed database connections, and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const server = spawnNode(['src/main.ts'], {
      DATABASE_URL: database.appUrl,
      PORT: String(port),
    });
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitForHttp(`${base}/health`);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
      const missing = await fetch(`${base}/v1/unknown`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toBe('application/problem+json');

      const killed = await adminQuery(
        database.adminUrl,
        `select pg_terminate_backend(pid) as killed from pg_stat_activity
         where usename = 'devctx_app' and datname = current_database()`,
      );
      expect(killed.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(server.child.exitCode).toBeNull();
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/ready`)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('shut down cleanly');
    expect(server.output()).toContain('"severity":"INFO"');
  });

  it('answers 503 on /ready while the database is unreachable, and stays up', async () => {
    const port = await freePort();
    const deadPort = await freePort();
    const server = spawnNode(['src/main.ts'], {
      DATABASE_URL: `postgres://devctx_app@127.0.0.1:${deadPort}/nothing`,
      PORT: String(port),
    });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { code: string }).code).toBe('service_unavailable');
      expect(server.child.exitCode).toBeNull();
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('refuses to start with a bad configuration, naming each variable, without a stack trace', async () => {
    const server = spawnNode(['src/main.ts'], { PORT: 'eighty' });
    expect(await server.exited).toBe(78);
    const output = server.output();
    expect(output).toContain('Invalid configuration');
    expect(output).toContain('PORT');
    expect(output).toContain('DATABASE_URL');
    expect(output).not.toMatch(/\n\s+at /);
  });
});

describe('the functions-framework target', () => {
  it('serves the same routes with --target=api', async () => {
    // The package's bin script; run by this Node, as `npx functions-framework` would.
    const entry = createRequire(import.meta.url).resolve('@google-cloud/functions-framework');
    const frameworkMain = path.join(path.dirname(entry), 'main.js');
    const port = await freePort();
    const fn = spawnNode(
      [frameworkMain, '--target=api', '--source=src/index.ts', `--port=${port}`],
      {
        DATABASE_URL: database.appUrl,
      },
    );
    try {
      await waitForHttp(`http://127.0.0.1:${port}/health`);
      const ready = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(await ready.json()).toEqual({ status: 'ready' });
      // A malformed body is our problem+json, not the framework's HTML error page.
      const malformed = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"tenant": ',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toBe('application/problem+json');
      const problem = await malformed.text();
      expect(JSON.parse(problem).code).toBe('malformed_json');
      expect(problem).not.toMatch(/at .*node_modules/);
      const valid = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: 'nobody', email: 'a@b.example', password: 'x' }),
      });
      expect(valid.status).toBe(401);
    } finally {
      fn.child.kill('SIGTERM');
      await fn.exited;
    }
  });
});
