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
    remote: remote ? withoutCredentials(remote) : undefined,
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

/**
 * A remote URL without what its authority may carry besides the host
 * (`https://deploy:ghp_…@github.com/acme/app` → `https://github.com/acme/app`): the server
 * needs only the host and the path, and a token must never leave the machine in a query
 * string, an upload or the spool. scp-like remotes (`git@host:acme/app`) name a user, not a
 * secret, and stay as they are.
 */
export function withoutCredentials(remote: string): string {
  const scheme = remote.indexOf('://');
  if (scheme < 0) return remote;
  const rest = remote.slice(scheme + 3);
  const slash = rest.indexOf('/');
  const at = (slash < 0 ? rest : rest.slice(0, slash)).lastIndexOf('@');
  return at < 0 ? remote : `${remote.slice(0, scheme + 3)}${rest.slice(at + 1)}`;
}
