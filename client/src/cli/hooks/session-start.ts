import path from 'node:path';
import type { Settings } from '../config.ts';
import { api, describe } from '../http.ts';
import type { HookInput } from './hook-input.ts';
import { flushSpool } from './spool.ts';
import { logHook } from './state.ts';
import { describeWorkingCopy } from './working-copy.ts';

/**
 * `devctx hook session-start`: the brief of the working copy's repository (its branch's
 * sessions first), printed as SessionStart context for the assistant. Prints nothing when
 * there is nothing to say (no git remote, a repository the tenant does not have, the server
 * away). Any time left goes to sending captures the spool still holds.
 */
export async function sessionStart(
  input: HookInput,
  settings: Settings,
  dir: string,
  deadline: number,
  print: (text: string) => void,
) {
  const cwd = input.cwd && path.isAbsolute(input.cwd) ? input.cwd : process.cwd();
  const { remote, branch } = await describeWorkingCopy(cwd, Math.min(1000, deadline - Date.now()));
  if (remote) {
    const query = new URLSearchParams({ repository: remote.slice(0, 500) });
    if (branch) query.set('branch', branch.slice(0, 255));
    const answer = await api(settings, Math.max(1, deadline - Date.now()))<{ text: string }>(
      'GET',
      `/v1/context/brief?${query}`,
    );
    if (answer.ok)
      print(
        JSON.stringify({
          hookSpecificOutput: {
            hookEventName: 'SessionStart',
            additionalContext: answer.data.text,
          },
        }),
      );
    else await logHook(dir, `session-start: no brief: ${describe(answer.problem)}`);
  }
  await flushSpool(dir, settings, deadline);
}
