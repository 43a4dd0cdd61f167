import type { IncomingCommit } from '../commits/upsert-commits.ts';

/** A delivery's bytes as JSON: GitHub sends either a JSON body or a form with `payload=`. */
export function parseDeliveryPayload(contentType: string, payload: Buffer): unknown {
  const text = payload.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const value = new URLSearchParams(text).get('payload');
    if (value === null) throw new PayloadError('the form has no payload field');
    return parseJson(value);
  }
  return parseJson(text);
}

export class PayloadError extends Error {}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PayloadError('the payload is not valid JSON');
  }
}

export interface PushSummary {
  ref: string;
  branch: string | null;
  tag: string | null;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  before: string | null;
  after: string | null;
  commits: IncomingCommit[];
}

const SHA = /^[0-9a-f]{40}$/;

/** The parts of a `push` event we keep (https://docs.github.com/webhooks/webhook-events-and-payloads#push). */
export function readPushEvent(payload: unknown): PushSummary {
  if (typeof payload !== 'object' || payload === null)
    throw new PayloadError('push: not an object');
  const p = payload as Record<string, unknown>;
  const ref = typeof p.ref === 'string' ? p.ref : '';
  if (!ref) throw new PayloadError('push: no ref');
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
  const tag = ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null;
  const list = Array.isArray(p.commits) ? p.commits : [];
  const commits: IncomingCommit[] = [];
  for (const raw of list) {
    const c = raw as Record<string, unknown>;
    const sha = typeof c.id === 'string' ? c.id.toLowerCase() : '';
    if (!SHA.test(sha) || typeof c.message !== 'string') continue;
    const author = (c.author ?? {}) as Record<string, unknown>;
    const files = new Set(
      ['added', 'removed', 'modified'].flatMap((k) =>
        Array.isArray(c[k]) ? (c[k] as unknown[]) : [],
      ),
    );
    const timestamp =
      typeof c.timestamp === 'string' && !Number.isNaN(Date.parse(c.timestamp))
        ? c.timestamp
        : null;
    if (!timestamp) continue;
    commits.push({
      sha,
      message: c.message,
      authorName: typeof author.name === 'string' ? author.name : null,
      authorEmail: typeof author.email === 'string' ? author.email : null,
      committedAt: timestamp,
      url: typeof c.url === 'string' ? c.url : null,
      branch,
      filesChanged: files.size,
    });
  }
  const sha = (v: unknown) => (typeof v === 'string' && SHA.test(v) ? v : null);
  return {
    ref,
    branch,
    tag,
    created: p.created === true,
    deleted: p.deleted === true,
    forced: p.forced === true,
    before: sha(p.before),
    after: sha(p.after),
    commits,
  };
}
