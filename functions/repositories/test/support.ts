import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoryJobs } from '../src/jobs.ts';
import { repositoriesRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';
export { eventually } from '@devctx/shared/testing';

/** Identity, projects (for tasks that commits reference) and repositories on one server. */
export function startRepositories(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity(
    { TASKS_POLL_MS: '50', ...env },
    [...projectsRoutes, ...repositoriesRoutes],
    repositoryJobs,
  );
}

const fixture = (name: string) =>
  readFileSync(path.join(import.meta.dirname, 'fixtures', 'github', name), 'utf8');

export interface GitHubReplay {
  url: string;
  requests: { url: string; host: string | undefined; authorization: string | undefined }[];
  /** The next request is refused as rate-limited, with a reset this many seconds ahead. */
  rateLimitOnce(resetInSeconds: number): void;
  /** The next page's Link names this origin instead (the same server, under another name). */
  linkToOnce(origin: string): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for api.github.com that replays recorded responses of
 * GET /repos/acme/widgets/commits: two pages linked by a Link header, GitHub's rate-limit
 * headers, 404 for any other repository.
 */
export async function startGitHubReplay(): Promise<GitHubReplay> {
  const requests: GitHubReplay['requests'] = [];
  let limitNext: number | undefined;
  let linkOrigin: string | undefined;
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    requests.push({
      url: url.pathname + url.search,
      host: req.headers.host,
      authorization: req.headers.authorization,
    });
    const base = linkOrigin ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    linkOrigin = undefined;
    const rate = { 'x-ratelimit-limit': '5000', 'x-ratelimit-resource': 'core' };
    if (limitNext !== undefined) {
      const reset = Math.ceil(Date.now() / 1000) + limitNext;
      limitNext = undefined;
      res.writeHead(403, {
        ...rate,
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(reset),
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify({
          message: 'API rate limit exceeded',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        }),
      );
      return;
    }
    if (url.pathname !== '/repos/acme/widgets/commits') {
      res.writeHead(404, {
        'content-type': 'application/json',
        ...rate,
        'x-ratelimit-remaining': '4990',
      });
      res.end(
        JSON.stringify({ message: 'Not Found', documentation_url: 'https://docs.github.com/rest' }),
      );
      return;
    }
    const page = url.searchParams.get('page') ?? '1';
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      ...rate,
      'x-ratelimit-remaining': '4999',
    };
    const query = new URLSearchParams(url.searchParams);
    if (page === '1') {
      query.set('page', '2');
      headers.link = `<${base}/repos/acme/widgets/commits?${query}>; rel="next", <${base}/repos/acme/widgets/commits?${query}>; rel="last"`;
      res.writeHead(200, headers);
      res.end(fixture('commits-page-1.json'));
    } else {
      query.set('page', '1');
      headers.link = `<${base}/repos/acme/widgets/commits?${query}>; rel="prev", <${base}/repos/acme/widgets/commits?${query}>; rel="first"`;
      res.writeHead(200, headers);
      res.end(fixture('commits-page-2.json'));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    rateLimitOnce: (seconds) => {
      limitNext = seconds;
    },
    linkToOnce: (origin) => {
      linkOrigin = origin;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A `git log` in the documented upload format (RS/US separated, with --numstat). */
export function gitLog(
  commits: {
    sha: string;
    name: string;
    email: string;
    date: string;
    message: string;
    numstat?: string[];
  }[],
): string {
  return commits
    .map(
      (c) =>
        `\x1e${c.sha}\x1f${c.name}\x1f${c.email}\x1f${c.date}\x1f${c.message}\x1f\n\n${(c.numstat ?? []).join('\n')}\n`,
    )
    .join('');
}
