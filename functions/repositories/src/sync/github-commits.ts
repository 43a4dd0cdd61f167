import type { IncomingCommit } from '../commits/upsert-commits.ts';

export interface GitHubFetchOptions {
  baseUrl: string;
  fullName: string;
  branch: string;
  since: Date | null;
  token: string | undefined;
  /** Longest wait for a rate-limit reset before giving up (the next sync continues). */
  maxWaitMs?: number;
  /** Stops after this many pages (100 commits each). */
  maxPages?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

export class GitHubError extends Error {}

/**
 * Commits of a branch since a time, from GitHub's REST API
 * (GET /repos/{owner}/{repo}/commits): follows the Link header page by page, waits out a
 * rate limit (X-RateLimit-Remaining 0 until X-RateLimit-Reset, or Retry-After) when the
 * wait is short, and fails with a clear message when it is not.
 */
export async function fetchGitHubCommits(
  options: GitHubFetchOptions,
): Promise<{ commits: IncomingCommit[]; pages: number }> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const url = new URL(
    `${options.baseUrl.replace(/\/$/, '')}/repos/${options.fullName
      .split('/')
      .map(encodeURIComponent)
      .join('/')}/commits`,
  );
  url.searchParams.set('sha', options.branch);
  url.searchParams.set('per_page', '100');
  if (options.since) url.searchParams.set('since', options.since.toISOString());

  const commits: IncomingCommit[] = [];
  let next: string | null = url.toString();
  let pages = 0;
  while (next && pages < (options.maxPages ?? 100)) {
    const response = await doFetch(next, {
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'dev-context',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
      signal: AbortSignal.timeout(30_000),
    });
    const wait = rateLimitWaitMs(response);
    if (wait !== undefined) {
      if (wait > maxWaitMs) {
        throw new GitHubError(
          `GitHub rate limit reached; it resets in ${Math.ceil(wait / 1000)} s, so this sync stops here.`,
        );
      }
      await sleep(wait);
      continue; // the same page again
    }
    if (response.status === 404)
      throw new GitHubError(
        `GitHub knows no repository ${options.fullName} (or the token cannot see it).`,
      );
    if (response.status === 401) throw new GitHubError('GitHub refused the token (401).');
    if (response.status === 409) break; // an empty repository
    if (!response.ok) throw new GitHubError(`GitHub answered ${response.status}.`);
    const items = (await response.json()) as GitHubCommitItem[];
    pages++;
    for (const item of items) commits.push(toIncoming(item, options.branch));
    next = nextLink(response.headers.get('link'));
    // The token goes to the configured API host only: a next page elsewhere is not followed.
    if (next && !sameOrigin(next, url)) {
      throw new GitHubError('GitHub’s next page is on another host; this sync stops here.');
    }
  }
  return { commits, pages };
}

interface GitHubCommitItem {
  sha: string;
  html_url?: string;
  commit: {
    message: string;
    author?: { name?: string; email?: string; date?: string } | null;
    committer?: { name?: string; email?: string; date?: string } | null;
  };
  stats?: { additions?: number; deletions?: number };
  files?: unknown[];
}

function toIncoming(item: GitHubCommitItem, branch: string): IncomingCommit {
  const author = item.commit.author ?? {};
  const date = item.commit.committer?.date ?? author.date ?? new Date(0).toISOString();
  return {
    sha: item.sha,
    message: item.commit.message,
    authorName: author.name ?? null,
    authorEmail: author.email ?? null,
    committedAt: date,
    url: item.html_url ?? null,
    branch,
    filesChanged: item.files?.length ?? null,
    insertions: item.stats?.additions ?? null,
    deletions: item.stats?.deletions ?? null,
  };
}

/** How long GitHub asks us to wait, when this response is a rate-limit refusal. */
function rateLimitWaitMs(response: Response): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  if (response.headers.get('x-ratelimit-remaining') === '0') {
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - Date.now()) + 1000 : 60_000;
  }
  return undefined;
}

function sameOrigin(link: string, base: URL): boolean {
  try {
    return new URL(link).origin === base.origin;
  } catch {
    return false;
  }
}

/** The rel="next" URL of a Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const [target, ...params] = part.split(';').map((p) => p.trim());
    if (!target?.startsWith('<') || !target.endsWith('>')) continue;
    const rels = params
      .filter((p) => p.startsWith('rel='))
      .map((p) => p.slice(4).replaceAll('"', ''));
    if (rels.some((rel) => rel.split(' ').includes('next'))) return target.slice(1, -1);
  }
  return null;
}
