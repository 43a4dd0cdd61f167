import path from 'node:path';
import type { Settings } from '../config.ts';
import { readTranscriptLines } from '../transcript-lines.ts';
import type { HookInput } from './hook-input.ts';
import { flushSpool, spoolCapture } from './spool.ts';
import { logHook } from './state.ts';
import { readNewLines, saveCursor } from './transcript-cursor.ts';
import { describeWorkingCopy } from './working-copy.ts';

/**
 * `devctx hook capture` (PreCompact, Stop, SessionEnd): what the transcript gained since the
 * last capture (at most READ_WINDOW_BYTES a run) goes to the spool, then the spool goes to
 * the server, oldest first. Only new lines are read and sent; the server stores each
 * message once, so a line sent twice (a lost cursor, two hooks at once) is harmless.
 */
export async function capture(
  input: HookInput,
  settings: Settings | undefined,
  dir: string,
  deadline: number,
) {
  const transcript = input.transcript_path;
  if (transcript && path.isAbsolute(transcript)) {
    const { text, offset } = await readNewLines(dir, transcript).catch(async (error) => {
      await logHook(dir, `capture: cannot read ${transcript}: ${(error as Error).message}`);
      return { text: '', offset: undefined };
    });
    // Lines without a message (bookkeeping) are not worth an import.
    if (readTranscriptLines(text).some((line) => line.identity !== undefined)) {
      const cwd = input.cwd && path.isAbsolute(input.cwd) ? input.cwd : undefined;
      const { remote } = cwd
        ? await describeWorkingCopy(cwd, Math.min(1000, deadline - Date.now()))
        : { remote: undefined };
      await spoolCapture(dir, {
        kind: 'claude-code',
        transcript: text,
        sessionId: input.session_id || path.basename(transcript, '.jsonl'),
        ...(remote ? { repository: remote.slice(0, 500) } : {}),
      });
    }
    // Spooled first, then moved past: a run cut short sends those lines again (harmless).
    if (offset !== undefined) await saveCursor(dir, transcript, offset);
  }
  // Without a server and key yet (`devctx login` not run), captures wait in the spool.
  return settings ? flushSpool(dir, settings, deadline) : undefined;
}
