import { createHmac, randomUUID } from 'node:crypto';
import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoryJobs } from '@devctx/repositories/jobs';
import { repositoriesRoutes } from '@devctx/repositories/routes';
import { webhookRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';
export { eventually } from '@devctx/shared/testing';

/** Identity, projects, repositories and the webhook ingress on one server, jobs running. */
export function startWebhooks(env: Record<string, string> = {}): Promise<IdentityHarness> {
  return startIdentity(
    { TASKS_POLL_MS: '50', ...env },
    [...projectsRoutes, ...repositoriesRoutes, ...webhookRoutes],
    repositoryJobs,
  );
}

export const sign = (secret: string, body: Buffer | string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** POSTs an event as GitHub does: signed raw bytes, event and delivery headers. */
export async function deliver(
  baseUrl: string,
  repositoryId: string,
  secret: string,
  event: string,
  payload: unknown,
  options: {
    delivery?: string;
    contentType?: string;
    signature?: string | null;
    raw?: Buffer;
  } = {},
) {
  const contentType = options.contentType ?? 'application/json';
  const json = JSON.stringify(payload);
  const body =
    options.raw ??
    Buffer.from(
      contentType === 'application/x-www-form-urlencoded'
        ? new URLSearchParams({ payload: json }).toString()
        : json,
    );
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? randomUUID(),
    'user-agent': 'GitHub-Hookshot/abc123',
  };
  const signature = options.signature === undefined ? sign(secret, body) : options.signature;
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const response = await fetch(`${baseUrl}/v1/webhooks/github/${repositoryId}`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** A push event as GitHub sends it (the fields we read, and some we do not). */
export function pushEvent(options: {
  ref?: string;
  commits: {
    id: string;
    message: string;
    timestamp?: string;
    added?: string[];
    modified?: string[];
    removed?: string[];
  }[];
  forced?: boolean;
  created?: boolean;
  deleted?: boolean;
  before?: string;
  after?: string;
}) {
  return {
    ref: options.ref ?? 'refs/heads/main',
    before: options.before ?? '0'.repeat(40),
    after: options.after ?? options.commits.at(-1)?.id ?? '0'.repeat(40),
    created: options.created ?? false,
    deleted: options.deleted ?? false,
    forced: options.forced ?? false,
    base_ref: null,
    compare: 'https://github.com/acme/widgets/compare/abc...def',
    commits: options.commits.map((c) => ({
      id: c.id,
      tree_id: 'f'.repeat(40),
      distinct: true,
      message: c.message,
      timestamp: c.timestamp ?? '2026-11-24T12:00:00+01:00',
      url: `https://github.com/acme/widgets/commit/${c.id}`,
      author: { name: 'Ada Lovelace', email: 'ada@example.com', username: 'ada' },
      committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
      added: c.added ?? [],
      removed: c.removed ?? [],
      modified: c.modified ?? [],
    })),
    head_commit: null,
    repository: { id: 1, name: 'widgets', full_name: 'acme/widgets', private: true },
    pusher: { name: 'ada', email: 'ada@example.com' },
    sender: { login: 'ada', id: 1 },
  };
}
