// Runs a command (the test suite) with TEST_DATABASE_URL pointing at a PostgreSQL superuser
// connection: DATABASE_URL when given (CI and these machines: 127.0.0.1:5432), otherwise a
// throw-away embedded PostgreSQL. Everything the run writes to the temporary folder — that
// cluster's data, the tests' scratch folders — lives under one folder removed at the end.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, startEmbeddedPostgres } from './lib/embedded-postgres.ts';

const root = path.resolve(import.meta.dirname, '..');
const startedAt = Date.now();
// --every-package: the command runs every package's tests (npm test; unless it is given a
// --filter), so a package without a report from this run is named in the closing line.
const flagged = process.argv[2] === '--every-package';
const [command, ...args] = process.argv.slice(flagged ? 3 : 2);
const everyPackage = flagged && !args.some((a) => a.startsWith('--filter'));
if (!command) throw new Error('usage: with-test-database.ts [--every-package] <command> [args…]');

const scratch = await mkdtemp(path.join(tmpdir(), 'devctx-test-run-'));
let stop: (() => Promise<void>) | undefined;
let url = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  const port = await freePort();
  console.log(`No DATABASE_URL: starting a throw-away embedded PostgreSQL on 127.0.0.1:${port}`);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'postgres', 'data'),
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
  env: {
    ...process.env,
    TEST_DATABASE_URL: url,
    METADATA_SERVER_DETECTION: 'none',
    TMPDIR: scratch,
  },
});
// Ctrl-C reaches the child too (same process group); wait for it, then clean up.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => {});
const code = await new Promise<number>((resolve) =>
  child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
);
await stop?.();
await rm(scratch, { recursive: true, force: true });
const summary = await summarise();
console.log(`\n${summary.line}`);
process.exit(code !== 0 || summary.failed > 0 ? code || 1 : 0);

/**
 * One closing line over every package that has tests: the sum of their vitest JSON
 * reports from this run. With --every-package, a package that has tests but wrote no
 * report (it crashed before reporting) is named, so the line never looks better than the run.
 */
async function summarise(): Promise<{ line: string; failed: number }> {
  let passed = 0;
  let failed = 0;
  const silent: string[] = [];
  for (const dir of await testedWorkspaces()) {
    const file = path.join(root, dir, 'test-results', 'vitest.json');
    if (!existsSync(file) || statSync(file).mtimeMs < startedAt) {
      if (everyPackage) silent.push(dir);
      continue;
    }
    const report = JSON.parse(await readFile(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
  }
  const missing = silent.length ? ` (no report from ${silent.join(', ')})` : '';
  return { line: `tests: ${passed} passed, ${failed} failed${missing}`, failed };
}

/** Every workspace of package.json ("functions/*" expanded) with a test script. */
async function testedWorkspaces(): Promise<string[]> {
  const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
  const patterns: string[] = (await readJson(path.join(root, 'package.json'))).workspaces;
  const dirs: string[] = [];
  for (const entry of patterns) {
    if (!entry.endsWith('/*')) dirs.push(entry);
    else {
      const parent = entry.slice(0, -2);
      for (const name of await readdir(path.join(root, parent))) dirs.push(`${parent}/${name}`);
    }
  }
  const tested: string[] = [];
  for (const dir of dirs) {
    const manifest = path.join(root, dir, 'package.json');
    if (existsSync(manifest) && (await readJson(manifest)).scripts?.test) tested.push(dir);
  }
  return tested;
}
