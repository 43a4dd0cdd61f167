import path from 'node:path';
import { ensureDir } from './state.ts';

/** This CLI's entry point, which Node 24 runs as TypeScript. */
export const CLI_SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'cli.ts');

/**
 * The command a hook runs. `hook install` bundles this CLI into one JavaScript file in the
 * state folder (esbuild): Claude Code waits for every hook, and the bundle starts in about
 * half the time of the TypeScript sources (no type stripping, one file). Without esbuild
 * (an installation without dev tools), the hooks run the sources.
 */
export async function hookCommands(stateDir: string) {
  const script = (await bundle(stateDir)) ?? CLI_SCRIPT;
  return (hook: string) => `${shellQuote(process.execPath)} ${shellQuote(script)} hook ${hook}`;
}

async function bundle(stateDir: string): Promise<string | undefined> {
  const outfile = path.join(await ensureDir(path.join(stateDir, 'bin')), 'devctx.mjs');
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [CLI_SCRIPT],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      // jsonc-parser's ESM build (its UMD build requires its parts dynamically).
      mainFields: ['module', 'main'],
      banner: { js: `// devctx, bundled by \`devctx hook install\` from ${CLI_SCRIPT}` },
      logLevel: 'silent',
    });
    return outfile;
  } catch {
    return undefined;
  }
}

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
