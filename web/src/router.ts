import { signal } from '@preact/signals';

// Hash routes (#/sessions/…?filters): the server serves one page at /, a reload or a shared
// link lands on the same view with the same filters, and the route survives a sign-in.
export interface Location {
  path: string;
  query: URLSearchParams;
}

const parse = (): Location => {
  const [path = '/', query = ''] = location.hash.replace(/^#/, '').split('?', 2);
  return { path: path || '/', query: new URLSearchParams(query) };
};

export const route = signal<Location>(parse());
addEventListener('hashchange', () => {
  route.value = parse();
});

/** `pattern` like /sessions/:id; the named parts, or null when the path is another. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = have[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

/** A link target for a path and its filters (empty values are left out). */
export function href(path: string, query: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => Boolean(e[1])),
  ).toString();
  return `#${path}${q ? `?${q}` : ''}`;
}

/**
 * Sets the current view's filters, keeping its path. A filter change replaces the history
 * entry (Back does not walk through every key typed); `push` adds one, for a step the
 * reader expects Back to undo, such as a new search.
 */
export function setQuery(query: Record<string, string | undefined>, push = false) {
  const target = href(route.value.path, query);
  if (push) history.pushState(null, '', target);
  else history.replaceState(null, '', target);
  route.value = parse();
}

// Back and forward between entries made by pushState change the hash without a
// hashchange event in every browser: popstate covers them.
addEventListener('popstate', () => {
  route.value = parse();
});
