import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from '../config.ts';
import { CliError } from '../errors.ts';
import { api, describe } from '../http.ts';
import { ensureDir, logHook, writeAtomically } from './state.ts';

/**
 * Captures waiting to be sent, oldest first: each one import's body, written before its
 * transcript's cursor moves, and deleted only once the server accepted it. So a capture
 * made offline (or against a slow server) is sent by the next hook run, and none is lost.
 */
const SPOOL = 'spool';
/** Captures being sent, each named with the process sending it. */
const SENDING = 'sending';
/** A capture the server refused as such (not a passing failure): kept, never retried. */
const REJECTED = 'rejected';

export async function spoolCapture(dir: string, body: unknown) {
  const spool = await ensureDir(path.join(dir, SPOOL));
  // Named so that names sort as they were made.
  const name = `${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}.json`;
  await writeAtomically(path.join(spool, name), JSON.stringify(body));
}

/**
 * Sends spooled captures, oldest first, until the spool is empty, the deadline passes or
 * the server fails one (it is kept for the next run). Each is claimed by a rename first, so
 * two hook runs at once never send the same capture twice. Returns how many were sent and
 * how many wait.
 */
export async function flushSpool(dir: string, settings: Settings, deadline: number) {
  await reclaimAbandoned(dir);
  const names = (await readdir(path.join(dir, SPOOL)).catch(() => []))
    .filter((n) => n.endsWith('.json'))
    .sort();
  let sent = 0;
  for (const [index, name] of names.entries()) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { sent, waiting: names.length - index };
    const outcome = await sendOne(dir, name, settings, remaining);
    if (outcome === 'kept') return { sent, waiting: names.length - index };
    if (outcome === 'sent') sent += 1;
  }
  return { sent, waiting: 0 };
}

async function sendOne(
  dir: string,
  name: string,
  settings: Settings,
  timeoutMs: number,
): Promise<'sent' | 'kept' | 'rejected' | 'taken'> {
  const spooled = path.join(dir, SPOOL, name);
  const claimed = path.join(await ensureDir(path.join(dir, SENDING)), `${name}.${process.pid}`);
  try {
    await rename(spooled, claimed);
  } catch {
    return 'taken'; // another run is sending it
  }
  const body = JSON.parse(await readFile(claimed, 'utf8'));
  try {
    const answer = await api(settings, timeoutMs)('POST', '/v1/imports', body);
    if (answer.ok) {
      await unlink(claimed);
      return 'sent';
    }
    // Lines the importer stores nothing for (a thinking-only answer): nothing to keep.
    if (answer.problem.status === 400 && /Nothing to import/.test(answer.problem.detail ?? '')) {
      await unlink(claimed);
      return 'sent';
    }
    if (!isPermanent(answer.problem.status, answer.problem.code)) {
      await logHook(dir, `capture ${name} kept: ${describe(answer.problem)}`);
      await rename(claimed, spooled);
      return 'kept';
    }
    await rename(claimed, path.join(await ensureDir(path.join(dir, REJECTED)), name));
    await logHook(
      dir,
      `capture ${name} refused, moved to ${REJECTED}/: ${describe(answer.problem)}`,
    );
    return 'rejected';
  } catch (error) {
    await rename(claimed, spooled).catch(() => undefined);
    if (error instanceof CliError) {
      await logHook(dir, `capture ${name} kept: ${error.message}`);
      return 'kept';
    }
    throw error;
  }
}

/**
 * A refusal that sending again cannot change (the capture itself is wrong). A missing
 * permission, a full quota, a rate limit or a timeout can: those captures wait.
 */
const isPermanent = (status: number, code: string | undefined) =>
  (status === 400 || status === 413 || status === 422) && code !== 'rate_limited';

/**
 * Captures a killed run was sending go back to the spool; half-written ones (its temporary
 * files) go.
 */
async function reclaimAbandoned(dir: string) {
  for (const name of await readdir(path.join(dir, SPOOL)).catch(() => [])) {
    const pid = /\.(\d+)\.tmp$/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) await unlink(path.join(dir, SPOOL, name)).catch(() => {});
  }
  const sending = path.join(dir, SENDING);
  for (const name of await readdir(sending).catch(() => [])) {
    const dot = name.lastIndexOf('.');
    if (isAlive(Number(name.slice(dot + 1)))) continue;
    await rename(path.join(sending, name), path.join(dir, SPOOL, name.slice(0, dot))).catch(
      () => undefined,
    );
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, as another user's process.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
