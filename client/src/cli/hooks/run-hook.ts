import path from 'node:path';
import { resolveSettings } from '../config.ts';
import { capture } from './capture.ts';
import { readHookInput } from './hook-input.ts';
import { sessionStart } from './session-start.ts';
import { logHook, stateDir } from './state.ts';
import { skipToEnd } from './transcript-cursor.ts';

export type HookKind = 'session-start' | 'capture';

const DEFAULT_BUDGET_MS = 3000;

/**
 * Runs a hook so that it can never block or break the assistant: it ends within its time
 * budget (DEVCTX_HOOK_TIMEOUT_MS, 3 s by default; a timer ends the process if anything
 * hangs), and always with exit 0. What went wrong goes to the hook log in the state folder.
 */
export async function runHook(
  kind: HookKind,
  flags: { url?: string | undefined; key?: string | undefined },
  print: (text: string) => void,
) {
  const budget = budgetOf(process.env.DEVCTX_HOOK_TIMEOUT_MS);
  const deadline = Date.now() + budget;
  setTimeout(() => process.exit(0), budget + 500).unref();
  const dir = stateDir();
  try {
    const input = await readHookInput(deadline);
    if (process.env.DEVCTX_HOOKS === 'off') {
      // A session kept out (`DEVCTX_HOOKS=off claude`): nothing is sent, and what it wrote
      // is passed over for good, so resuming it later with the hooks on sends none of it.
      if (kind === 'capture' && input.transcript_path && path.isAbsolute(input.transcript_path))
        await skipToEnd(dir, input.transcript_path);
      return;
    }
    const settings = await resolveSettings(flags).catch(() => undefined);
    if (kind === 'capture') await capture(input, settings, dir, deadline);
    else if (settings) await sessionStart(input, settings, dir, deadline, print);
    if (!settings) await logHook(dir, `${kind}: no API key yet (run devctx login)`);
  } catch (error) {
    await logHook(dir, `${kind}: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 0;
}

function budgetOf(text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) && value >= 100 && value <= 60_000 ? value : DEFAULT_BUDGET_MS;
}
