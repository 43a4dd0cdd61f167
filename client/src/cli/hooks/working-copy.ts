import { execFile } from 'node:child_process';

/**
 * What git says of the working copy a session runs in: the remote that names its
 * repository (origin, else the first one) and the branch checked out. Anything git cannot
 * tell (no repository, no remote, a detached head, no git at all) is simply absent.
 */
export async function describeWorkingCopy(cwd: string, timeoutMs: number) {
  const git = (args: string[]) => run('git', ['-C', cwd, ...args], timeoutMs);
  const [origin, remotes, branch] = await Promise.all([
    git(['remote', 'get-url', 'origin']),
    git(['remote']),
    git(['rev-parse', '--abbrev-ref', 'HEAD']),
  ]);
  const first = remotes?.split('\n')[0];
  const remote = origin ?? (first ? await git(['remote', 'get-url', first]) : undefined);
  return {
    remote: remote || undefined,
    branch: branch && branch !== 'HEAD' ? branch : undefined,
  };
}

function run(command: string, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });
}
