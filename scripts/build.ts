// `npm run build`: one self-contained folder per deployable under dist/ — the bundled code,
// a minimal package.json naming only what cannot be bundled, and the files it reads.
//
//   dist/functions/<name>/   Cloud Run functions (gcloud functions deploy --gen2
//                            --runtime nodejs24 --source dist/functions/<name>)
//   dist/api/                the long-running api variant (the Dockerfile's input), with
//                            the web dashboard in dist/api/web/
//   dist/jobs/migrate/       the migration job (Cloud Run job; embeds sql/)
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile, type Plugin } from 'esbuild';
import { functionNames } from '../functions/families.ts';
import { buildDashboard } from './lib/build-dashboard.ts';

const root = path.resolve(import.meta.dirname, '..');

/**
 * Left out of the bundles and installed from package.json instead: functions-framework
 * (the runtime that loads the function), @node-rs/argon2 (a native addon, one binary per
 * platform) and the Google Cloud clients (gRPC code that reads its .proto files from disk;
 * loaded lazily, only where a cloud driver is configured).
 */
const EXTERNAL = [
  '@google-cloud/functions-framework',
  '@node-rs/argon2',
  '@google-cloud/tasks',
  '@google-cloud/secret-manager',
  '@google-cloud/storage',
  // Only for the plaintext credentials of a local stand-in (googleClientOptions); the
  // clients above bring it anyway.
  'google-gax',
];

/** Called by Cloud Tasks and Cloud Scheduler only: no API reference page. */
const INTERNAL = new Set(['worker', 'scheduler']);

export interface Bundle {
  name: string;
  dir: string;
  /** How to start it from its folder. */
  start: string[];
  dependencies: Record<string, string>;
}

export async function buildAll(outDir = path.join(root, 'dist')): Promise<Bundle[]> {
  await rm(outDir, { recursive: true, force: true });
  await buildDashboard();
  const bundles: Bundle[] = [];
  // Function targets: every functions/<name>/src/index.ts registers the target <name>.
  for (const name of functionNames) {
    bundles.push(
      await buildOne({
        name,
        entry: `functions/${name}/src/index.ts`,
        dir: path.join(outDir, 'functions', name),
        start: [
          'node_modules/@google-cloud/functions-framework/build/src/main.js',
          `--target=${name}`,
        ],
        withDocs: !INTERNAL.has(name),
        withDashboard: name === 'api',
      }),
    );
  }
  bundles.push(
    await buildOne({
      name: 'api-server',
      entry: 'functions/api/src/main.ts',
      dir: path.join(outDir, 'api'),
      start: ['index.js'],
      withDocs: true,
      withDashboard: true,
    }),
  );
  bundles.push(
    await buildOne({
      name: 'migrate',
      entry: 'scripts/migrate.ts',
      dir: path.join(outDir, 'jobs', 'migrate'),
      start: ['index.js'],
      withSql: true,
    }),
  );
  return bundles;
}

async function buildOne(options: {
  name: string;
  entry: string;
  dir: string;
  start: string[];
  withDocs?: boolean;
  withDashboard?: boolean;
  withSql?: boolean;
}): Promise<Bundle> {
  const isFunction = options.start[0]?.includes('functions-framework') ?? false;
  const result = await build({
    entryPoints: [path.join(root, options.entry)],
    outfile: path.join(options.dir, isFunction ? 'app.js' : 'index.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: EXTERNAL,
    plugins: [zodEnglishOnly],
    // Smaller code compiles faster at a cold start; stack traces map back through the
    // source map (NODE_OPTIONS=--enable-source-maps).
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    // CommonJS dependencies call require() for Node built-ins and read files beside
    // themselves through __dirname; an ES module has neither.
    banner: {
      js: "import { createRequire as __devctxRequire } from 'node:module'; const require = __devctxRequire(import.meta.url); const __dirname = import.meta.dirname; const __filename = import.meta.filename;",
    },
  });
  const dependencies: Record<string, string> = {};
  for (const name of externalsUsed(result.metafile)) dependencies[name] = await versionOf(name);
  if (isFunction) {
    dependencies['@google-cloud/functions-framework'] = await versionOf(
      '@google-cloud/functions-framework',
    );
    await writeCompileCache(options.dir);
  }
  const manifest = {
    name: `devctx-${options.name}`,
    version: '0.1.0',
    private: true,
    type: 'module',
    main: 'index.js',
    engines: { node: '>=24' },
    scripts: { start: `node ${options.start.join(' ')}` },
    dependencies: Object.fromEntries(Object.entries(dependencies).sort()),
  };
  await writeFile(path.join(options.dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (options.withDocs) {
    const from = path.join(root, 'node_modules', 'swagger-ui-dist');
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
      await cp(path.join(from, file), path.join(options.dir, 'swagger-ui', file));
    }
  }
  if (options.withDashboard) {
    await cp(path.join(root, 'web', 'dist'), path.join(options.dir, 'web'), { recursive: true });
  }
  if (options.withSql) {
    await cp(path.join(root, 'sql'), path.join(options.dir, 'sql'), { recursive: true });
    // postgres-migrations reads its own bookkeeping migration from beside its code.
    await cp(
      path.join(root, 'node_modules', 'postgres-migrations', 'dist', 'migrations'),
      path.join(options.dir, 'migrations'),
      { recursive: true },
    );
  }
  return { name: options.name, dir: options.dir, start: options.start, dependencies };
}

/**
 * Installs each bundle's own dependencies from its package.json, as a deploy does (from
 * npm's cache when it can). Bundles with the same dependencies share one install through
 * hard-linked copies. For tests and benchmarks that run the bundles here.
 */
export async function installBundles(bundles: Bundle[]): Promise<void> {
  const run = promisify(execFile);
  const installed = new Map<string, string>();
  for (const bundle of bundles) {
    if (Object.keys(bundle.dependencies).length === 0) continue;
    const key = JSON.stringify(bundle.dependencies);
    const from = installed.get(key);
    if (from) {
      await run('cp', [
        '-al',
        path.join(from, 'node_modules'),
        path.join(bundle.dir, 'node_modules'),
      ]);
      continue;
    }
    await run(
      'npm',
      ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      { cwd: bundle.dir },
    );
    installed.set(key, bundle.dir);
  }
}

/**
 * A function's cold start parsed its whole bundle (a quarter of its import, by CPU
 * profile). index.js now turns on Node's compile cache in the bundle's own folder, filled
 * here by loading the bundle once, so a new instance reads V8's code instead of parsing.
 * Portable: the cache is keyed by paths relative to it, so the folder can be deployed
 * anywhere. Best effort by design: another Node version, or a read-only folder, compiles
 * as before.
 */
async function writeCompileCache(dir: string) {
  await writeFile(
    path.join(dir, 'index.js'),
    [
      "import { enableCompileCache } from 'node:module';",
      '// Node before 24.12 takes no options (portable): it then compiles as usual.',
      "try { enableCompileCache({ directory: import.meta.dirname + '/compile-cache', portable: true }); } catch {}",
      "await import('./app.js');",
      '',
    ].join('\n'),
  );
  // Its packages are not installed yet: the repository's own, linked for this one load.
  const modules = path.join(dir, 'node_modules');
  await symlink(path.join(root, 'node_modules'), modules);
  // Loading the bundle reads its configuration (nothing connects at import): values that
  // pass validation and reach nothing.
  await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', "await import('./index.js');"],
    {
      cwd: dir,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        METADATA_SERVER_DETECTION: 'none',
        DATABASE_URL: 'postgres://compile-cache@127.0.0.1:9/none',
        JWT_KEYS: 'memory',
        ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
        INTERNAL_SHARED_SECRET: 'only-to-load-the-bundle-at-build-time',
      },
    },
  ).finally(() => rm(modules));
}

/**
 * zod re-exports all of its ~40 locales as one namespace (`z.locales`), which no bundler can
 * shake out: a quarter of every bundle, parsed at every cold start, for error messages in
 * languages the API never answers in. Its `locales/index.js` is resolved to English only
 * (which zod configures itself by default); nothing here reads `z.locales`.
 */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${path.sep}zod${path.sep}`)
        ? { path: path.join(args.resolveDir, args.path), namespace: 'zod-english-only' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
    }));
  },
};

/** The bare package names the bundle still imports (its externals in use). */
function externalsUsed(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const i of output.imports) {
      if (!i.external || i.path.startsWith('node:')) continue;
      const parts = i.path.split('/');
      names.add(i.path.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
    }
  }
  return [...names].filter((n) => EXTERNAL.includes(n));
}

async function versionOf(name: string): Promise<string> {
  const manifest = JSON.parse(
    await readFile(path.join(root, 'node_modules', name, 'package.json'), 'utf8'),
  );
  return manifest.version as string;
}

if (import.meta.main) {
  const started = performance.now();
  const bundles = await buildAll();
  await mkdir(path.join(root, 'dist'), { recursive: true });
  for (const b of bundles) {
    console.log(
      `${path.relative(root, b.dir).padEnd(30)} ${Object.keys(b.dependencies).join(', ')}`,
    );
  }
  console.log(`built ${bundles.length} bundles in ${Math.round(performance.now() - started)} ms`);
}
