import { appendFile, mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where the hooks keep what must outlive one run: each transcript's cursor and the spool
 * of captures not yet sent. `~/.local/state/devctx` (XDG_STATE_HOME respected;
 * DEVCTX_STATE_DIR overrides). Readable by its owner only: it holds transcripts.
 */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DEVCTX_STATE_DIR) return env.DEVCTX_STATE_DIR;
  const base = env.XDG_STATE_HOME || path.join(homedir(), '.local', 'state');
  return path.join(base, 'devctx');
}

export async function ensureDir(dir: string) {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Written whole or not at all: a crash mid-write never leaves half a file to read. */
export async function writeAtomically(file: string, data: string) {
  const temporary = `${file}.${process.pid}.tmp`;
  // 'wx': a file (or a link) already at that name is never written through.
  await writeFile(temporary, data, { mode: 0o600, flag: 'wx' });
  await rename(temporary, file);
}

const LOG_LIMIT_BYTES = 1024 * 1024;

/**
 * One line per hook run that did not go to plan (server away, a capture refused), for a
 * person wondering why a session is missing: hooks must stay silent towards the assistant.
 * Never holds a key or a transcript. Started afresh once it passes 1 MiB.
 */
export async function logHook(dir: string, line: string) {
  try {
    await ensureDir(dir);
    const file = path.join(dir, 'hook.log');
    const size = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    if (size > LOG_LIMIT_BYTES) await rename(file, `${file}.1`);
    await appendFile(file, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 });
  } catch {
    // A log that cannot be written must not break the hook either.
  }
}
