import type { Provider } from '@devctx/shared';

/**
 * The repository a working copy's git remote names: its `owner/name` (lower-cased) and,
 * when the remote says, the provider its host is — from any form `git remote get-url`
 * prints (`git@github.com:Acme/App.git`, `https://gitlab.com/group/sub/app`,
 * `ssh://git@host:22/acme/app.git`, `github.com/acme/app`) or `owner/name` itself.
 * Plain string steps (no pattern runs on the client's text), so it is linear.
 */
export function remoteOf(remote: string): { provider?: Provider; name: string } | undefined {
  let rest = remote.trim().toLowerCase();
  let host: string | undefined;
  const scheme = rest.indexOf('://');
  if (scheme >= 0) {
    rest = rest.slice(scheme + 3);
    const slash = rest.indexOf('/');
    if (slash < 0) return undefined;
    host = hostOf(rest.slice(0, slash));
    rest = rest.slice(slash + 1);
  } else if (rest.includes('@') && rest.includes(':')) {
    const colon = rest.indexOf(':'); // scp-like: git@host:owner/name
    host = hostOf(rest.slice(0, colon));
    rest = rest.slice(colon + 1);
  } else {
    const first = rest.slice(0, rest.indexOf('/'));
    if (first.includes('.') && rest.split('/').length >= 3) {
      host = first;
      rest = rest.slice(first.length + 1);
    }
  }
  while (rest.endsWith('/')) rest = rest.slice(0, -1);
  if (rest.endsWith('.git')) rest = rest.slice(0, -4);
  const parts = rest.split('/').filter(Boolean);
  if (parts.length < 2) return undefined;
  // GitLab groups nest: the full name is everything after the host.
  const name = parts.join('/');
  return host === undefined ? { name } : { provider: providerOf(host), name };
}

/** The host of `user@host:port`. */
const hostOf = (authority: string) =>
  authority.slice(authority.lastIndexOf('@') + 1).split(':')[0] ?? '';

const providerOf = (host: string): Provider =>
  host === 'github.com' ? 'github' : host === 'gitlab.com' ? 'gitlab' : 'generic';
