/**
 * The `owner/name` a working copy's git remote names, lower-cased, from any of the forms
 * `git remote get-url origin` prints — `git@github.com:Acme/App.git`,
 * `https://github.com/acme/app`, `ssh://git@host:22/acme/app.git` — or `owner/name`
 * itself. Plain string steps (no pattern runs on the client's text), so it is linear.
 */
export function repositoryNameOf(remote: string): string | undefined {
  let rest = remote.trim();
  const scheme = rest.indexOf('://');
  if (scheme >= 0) {
    rest = rest.slice(scheme + 3);
    rest = rest.slice(rest.indexOf('/') + 1); // drop user@host:port
  } else if (rest.includes('@') && rest.includes(':')) {
    rest = rest.slice(rest.indexOf(':') + 1); // scp-like: git@host:owner/name
  }
  while (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.endsWith('.git')) rest = rest.slice(0, -4);
  const parts = rest.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  // GitLab groups nest: the full name is everything after the host.
  return parts.join('/').toLowerCase();
}
