// Runs a command (the test suite) with TEST_DATABASE_URL pointing at a PostgreSQL superuser
// connection: DATABASE_URL when given (CI and these machines: 127.0.0.1:5432), otherwise a
// throw-away embedded PostgreSQL that is removed afterwards.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from './lib/embedded-postgres.ts';

const startedAt = Date.now();
const [command, ...args] = process.argv.slice(2);
if (!command) throw new Error('usage: with-test-database.ts <command> [args…]');

let stop: (() => Promise<void>) | undefined;
let url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  const root = await mkdtemp(path.join(tmpdir(), 'devctx-test-pg-'));
  const port = await freePort();
  console.log(`No DATABASE_URL: starting a throw-away embedded PostgreSQL on 127.0.0.1:${port}`);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(root, 'data'),
    port,
    password: 'unused-with-trust',
    authMethod: 'trust',
    persistent: false,
  });
  stop = cluster.stop;
  url = cluster.adminUrl;
}

const child = spawn(command, args, {
  stdio: 'inherit',
  env: { ...process.env, TEST_DATABASE_URL: url, METADATA_SERVER_DETECTION: 'none' },
});
const code = await new Promise<number>((resolve) =>
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await stop?.();
await printSummary();
process.exit(code);

/** One closing line over every package's vitest JSON report written by this run. */
async function printSummary() {
  const root = path.resolve(import.meta.dirname, '..');
  // Every workspace of package.json ("functions/*" expanded).
  const workspaces: string[] = JSON.parse(
    await readFile(path.join(root, 'package.json'), 'utf8'),
  ).workspaces;
  const dirs: string[] = [];
  for (const entry of workspaces) {
    if (!entry.endsWith('/*')) dirs.push(entry);
    else
      dirs.push(
        ...(await readdir(path.join(root, entry.slice(0, -2)))).map(
          (f) => `${entry.slice(0, -2)}/${f}`,
        ),
      );
  }
  const reports = dirs
    .map((dir) => path.join(root, dir, 'test-results', 'vitest.json'))
    .filter((file) => existsSync(file) && statSync(file).mtimeMs >= startedAt);
  let passed = 0;
  let failed = 0;
  for (const file of reports) {
    const report = JSON.parse(await readFile(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  if (reports.length) console.log(`\ntests: ${passed} passed, ${failed} failed`);
}
