import { CliError, EXIT } from './errors.ts';
import { type Api, describe } from './http.ts';

export interface ImportView {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  report: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  createdBy?: { id: string; name: string } | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Follows an import to its end, asking less and less often (0.2 s, growing to 5 s), for at
 * most `maxMs`. A refusal (a key that cannot read imports, an import that is not there)
 * stops at once: waiting would not change it.
 */
export async function waitForImport(
  call: Api,
  id: string,
  options: { maxMs?: number; onWait?: (view: ImportView) => void } = {},
): Promise<ImportView> {
  const until = Date.now() + (options.maxMs ?? 10 * 60_000);
  for (let delay = 200; ; delay = Math.min(5_000, delay * 1.5)) {
    const answer = await call<ImportView>('GET', `/v1/imports/${id}`);
    if (!answer.ok) {
      const permission = answer.problem.status === 403;
      throw new CliError(
        permission
          ? `Import ${id} was accepted, but this key cannot follow it (it needs sessions:read): ${describe(answer.problem)}`
          : `Import ${id}: ${describe(answer.problem)}`,
        permission ? EXIT.permission : EXIT.data,
      );
    }
    const view = answer.data;
    if (view.status === 'succeeded' || view.status === 'failed') return view;
    if (Date.now() + delay > until) {
      throw new CliError(
        `Import ${id} is still ${view.status}; see it later with \`devctx import ${id}\`.`,
        EXIT.later,
      );
    }
    options.onWait?.(view);
    await sleep(delay);
  }
}

/** What an import did, in a few words: sessions, messages, hashes, skipped lines. */
export function summarise(view: ImportView): string {
  if (view.status === 'failed') return `failed: ${view.error ?? 'no reason given'}`;
  if (view.status !== 'succeeded') return view.status;
  const r = (view.report ?? {}) as Record<string, unknown>;
  const parts = [
    `${r.sessions ?? 0} session(s)`,
    `${r.newMessages ?? 0} new message(s)`,
    `${r.duplicateMessages ?? 0} already there`,
  ];
  if (typeof r.verifiedHashes === 'number')
    parts.push(`${r.verifiedHashes} v1 hash(es) verified, ${r.mismatchedHashes ?? 0} mismatched`);
  const commits = r.commits as { inserted?: number; skipped?: string } | undefined;
  if (commits)
    parts.push(
      commits.skipped
        ? `commits skipped: ${commits.skipped}`
        : `${commits.inserted ?? 0} commit(s)`,
    );
  if (Number(r.malformedLines ?? 0) > 0) parts.push(`${r.malformedLines} unreadable line(s)`);
  const skipped = r.skipped as unknown[] | undefined;
  if (skipped?.length) parts.push(`${skipped.length} entr(ies) skipped`);
  return parts.join(', ');
}

export async function listImports(call: Api, limit: number, status?: string) {
  const query = new URLSearchParams({ limit: String(limit), ...(status ? { status } : {}) });
  const answer = await call<{ items: ImportView[] }>('GET', `/v1/imports?${query}`);
  if (!answer.ok)
    throw new CliError(
      describe(answer.problem),
      answer.problem.status === 403 ? EXIT.permission : EXIT.usage,
    );
  return answer.data.items;
}

export async function showImport(call: Api, id: string) {
  const answer = await call<ImportView>('GET', `/v1/imports/${encodeURIComponent(id)}`);
  if (!answer.ok)
    throw new CliError(
      `Import ${id}: ${describe(answer.problem)}`,
      answer.problem.status === 403 ? EXIT.permission : EXIT.data,
    );
  return answer.data;
}
