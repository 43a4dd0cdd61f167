import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors.ts';

export interface Settings {
  url: string;
  key: string;
}

/** ~/.config/devctx/config.json (XDG_CONFIG_HOME respected; DEVCTX_CONFIG overrides). */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEVCTX_CONFIG) return env.DEVCTX_CONFIG;
  const base = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(base, 'devctx', 'config.json');
}

export async function readSaved(env: NodeJS.ProcessEnv = process.env): Promise<Partial<Settings>> {
  try {
    const saved = JSON.parse(await readFile(configFile(env), 'utf8')) as Partial<Settings>;
    return { ...(saved.url ? { url: saved.url } : {}), ...(saved.key ? { key: saved.key } : {}) };
  } catch {
    return {};
  }
}

/** Written readable by its owner only: it holds an API key. */
export async function save(settings: Settings, env: NodeJS.ProcessEnv = process.env) {
  const file = configFile(env);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return file;
}

/** Flags first, then DEVCTX_URL / DEVCTX_API_KEY, then what `devctx login` saved. */
export async function resolveSettings(
  flags: { url?: string | undefined; key?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Promise<Settings> {
  const saved = await readSaved(env);
  const url = flags.url ?? env.DEVCTX_URL ?? saved.url ?? 'http://localhost:8080';
  const key = flags.key ?? env.DEVCTX_API_KEY ?? saved.key;
  if (!key) {
    throw new CliError(
      'No API key: run `devctx login --key dck_…` once, or set DEVCTX_API_KEY.',
      EXIT.config,
    );
  }
  return { url: url.replace(/\/$/, ''), key };
}
