// Cold start of every function bundle (issue: "under 300 ms and under 120 MB"): the time
// from spawning `functions-framework --target=<name>` in the bundle's own folder to its
// first 200, and the resident memory after 1,000 requests (GET /ready: a database
// round trip through the whole pipeline).
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { functionNames } from '../functions/families.ts';
import { readFunctionsFile } from '../infra/deploy/functions.ts';
import { buildAll, installBundles } from '../scripts/build.ts';
import { freePort } from '../scripts/lib/embedded-postgres.ts';
import { startEnvironment } from './lib/environment.ts';

const REQUESTS = 1000;

export async function coldStartScenario() {
  const env = await startEnvironment({});
  const out = await mkdtemp(path.join(tmpdir(), 'devctx-cold-'));
  try {
    const bundles = (await buildAll(out)).filter((b) => functionNames.includes(b.name));
    await installBundles(bundles);
    // The floor: functions-framework serving a one-line function, measured the same way.
    const floor = path.join(out, 'hello');
    await mkdir(floor);
    await writeFile(path.join(floor, 'package.json'), '{"type":"module","main":"index.js"}');
    await writeFile(
      path.join(floor, 'index.js'),
      "import ff from '@google-cloud/functions-framework'; ff.http('hello', (req, res) => res.send('ok'));",
    );
    const first = bundles[0];
    if (!first) throw new Error('no bundles');
    await cp(path.join(first.dir, 'node_modules'), path.join(floor, 'node_modules'), {
      recursive: true,
    });
    const hello = {
      name: 'functions-framework alone',
      dir: floor,
      start: [first.start[0] ?? '', '--target=hello'],
      dependencies: {},
    };
    // The Node options each function is deployed with (infra/functions/functions.yaml); the
    // floor runs with the first function's, so both grow the same heap.
    const specs = readFunctionsFile().functions;
    const nodeOptions = (name: string) =>
      (specs.find((f) => f.name === name) ?? specs[0])?.env.NODE_OPTIONS ?? '';
    const rows = [];
    for (const bundle of [hello, ...bundles]) {
      const port = await freePort();
      const started = performance.now();
      const child = spawn(process.execPath, [...bundle.start, `--port=${port}`], {
        cwd: bundle.dir,
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH ?? '',
          DATABASE_URL: env.appDatabaseUrl,
          JWT_KEYS: 'memory',
          ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
          METADATA_SERVER_DETECTION: 'none',
          LOG_LEVEL: 'warn',
          INTERNAL_SHARED_SECRET: 'cold-start-benchmark-shared-secret-0123',
          NODE_OPTIONS: nodeOptions(bundle.name),
        },
      });
      const url = `http://127.0.0.1:${port}/${bundle === hello ? '' : 'ready'}`;
      let firstOk = Number.NaN;
      for (let i = 0; i < 1000 && Number.isNaN(firstOk); i++) {
        const status = await fetch(url).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) firstOk = performance.now() - started;
        else await new Promise((r) => setTimeout(r, 5));
      }
      for (let i = 0; i < REQUESTS; i++) await (await fetch(url)).arrayBuffer();
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rows.push({
        function: bundle.name,
        firstOkMs: Math.round(firstOk),
        rssMbAfter1000: Math.round(rssMb),
      });
    }
    const families = rows.slice(1);
    return {
      name: 'cold-start',
      rows,
      checks: [
        {
          check: 'slowest first 200 (ms)',
          value: Math.max(...families.map((r) => r.firstOkMs)),
          target: '< 300',
          pass: families.every((r) => r.firstOkMs < 300),
        },
        {
          check: 'largest RSS after 1,000 requests (MB)',
          value: Math.max(...families.map((r) => r.rssMbAfter1000)),
          target: '< 120',
          pass: families.every((r) => r.rssMbAfter1000 < 120),
        },
      ],
    };
  } finally {
    await rm(out, { recursive: true, force: true });
    await env.stop();
  }
}
