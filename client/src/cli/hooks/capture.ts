import path from 'node:path';
import type { Settings } from '../config.ts';
import { readTranscriptLines } from '../transcript-lines.ts';
import type { HookInput } from './hook-input.ts';
import { flushSpool, spoolCapture } from './spool.ts';
import { logHook } from './state.ts';
import { readNewLines, saveCursor } from './transcript-cursor.ts';
import { describeWorkingCopy } from './working-copy.ts';

/** One import's worth of transcript: well under the server's 25 MiB upload limit. */
const PART_BYTES = 8 * 1024 * 1024;

/**
 * `devctx hook capture` (PreCompact, Stop, SessionEnd): what the transcript gained since the
 * last capture goes to the spool, then the spool goes to the server, oldest first. Only new
 * lines are read and sent; the server stores each message once, so a line sent twice (a
 * lost cursor, two hooks at once) is harmless.
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
    const captured = parts(text);
    if (captured.length > 0) {
      const cwd = input.cwd && path.isAbsolute(input.cwd) ? input.cwd : undefined;
      const { remote } = cwd
        ? await describeWorkingCopy(cwd, Math.min(1000, deadline - Date.now()))
        : { remote: undefined };
      const sessionId = input.session_id || path.basename(transcript, '.jsonl');
      for (const part of captured)
        await spoolCapture(dir, {
          kind: 'claude-code',
          transcript: part,
          sessionId,
          ...(remote ? { repository: remote.slice(0, 500) } : {}),
        });
    }
    if (offset !== undefined) await saveCursor(dir, transcript, offset);
  }
  // Without a server and key yet (`devctx login` not run), captures wait in the spool.
  return settings ? flushSpool(dir, settings, deadline) : undefined;
}

/**
 * The new lines in parts of at most PART_BYTES, each holding at least one message (lines
 * with none, such as bookkeeping, are not worth an import).
 */
function parts(text: string): string[] {
  const result: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  let messages = 0;
  const close = () => {
    if (messages > 0) result.push(current.join('\n'));
    current = [];
    bytes = 0;
    messages = 0;
  };
  for (const line of readTranscriptLines(text)) {
    const size = Buffer.byteLength(line.text) + 1;
    if (bytes + size > PART_BYTES && current.length > 0) close();
    current.push(line.text);
    bytes += size;
    if (line.identity !== undefined) messages += 1;
  }
  close();
  return result;
}
