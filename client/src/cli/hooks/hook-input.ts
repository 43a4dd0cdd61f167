/** What Claude Code writes to a hook's standard input (the fields the hooks use). */
export interface HookInput {
  session_id?: string;
  transcript_path?: string;
  cwd?: string;
  hook_event_name?: string;
  source?: string;
}

const INPUT_LIMIT_BYTES = 1024 * 1024;

/**
 * The hook's JSON from standard input, read until it ends, 1 MiB or the deadline, whichever
 * comes first. Anything that is not a JSON object reads as {}: a hook never fails on input.
 */
export async function readHookInput(deadline: number): Promise<HookInput> {
  if (process.stdin.isTTY) return {};
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    const done = () => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve();
    };
    process.stdin.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > INPUT_LIMIT_BYTES) done();
    });
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as HookInput) : {};
  } catch {
    return {};
  }
}
