import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDevContextClient, type DevContextClient } from './index.ts';

export interface PushOptions {
  dir: string;
  baseUrl: string;
  apiKey: string;
  /** Where progress lines go (a terminal by default). */
  write?: (text: string) => void;
}

export interface PushSummary {
  kind: 'v1-export' | 'claude-code';
  files: number;
  uploaded: number;
  skipped: number;
  newMessages: number;
  duplicateMessages: number;
  failed: string[];
}

/**
 * `devctx push <dir>`: a v1 export folder (checkpoints.json, messages-page-NNN.json, …)
 * or a folder of Claude Code transcripts (*.jsonl, searched recursively) to the server.
 * A transcript whose every message the server already stores is not uploaded at all
 * (checked by content hash); the server deduplicates the rest.
 */
export async function push(options: PushOptions): Promise<PushSummary> {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const api = createDevContextClient({ baseUrl: options.baseUrl, credential: options.apiKey });
  const entries = await readdir(options.dir, { recursive: true });
  const isV1 =
    entries.some((e) => path.basename(e) === 'checkpoints.json') &&
    entries.some((e) => /messages-page-\d+\.json$/.test(e));
  const summary: PushSummary = {
    kind: isV1 ? 'v1-export' : 'claude-code',
    files: 0,
    uploaded: 0,
    skipped: 0,
    newMessages: 0,
    duplicateMessages: 0,
    failed: [],
  };

  if (isV1) {
    const read = async (name: string) =>
      JSON.parse(await readFile(path.join(options.dir, name), 'utf8'));
    const pages = entries.filter((e) => /messages-page-\d+\.json$/.test(e)).sort();
    const files = {
      checkpoints: await read('checkpoints.json'),
      messagePages: await Promise.all(pages.map(read)),
      ...(entries.includes('git-commits.json') ? { commits: await read('git-commits.json') } : {}),
      ...(entries.includes('topics.json') ? { topics: await read('topics.json') } : {}),
    };
    summary.files = pages.length;
    await upload(api, { kind: 'v1-export', files }, 'v1 export', summary, write);
    return summary;
  }

  const transcripts = entries.filter((e) => e.endsWith('.jsonl')).sort();
  summary.files = transcripts.length;
  for (const [index, name] of transcripts.entries()) {
    write(`${progress(index, transcripts.length)} ${name}\n`);
    const text = await readFile(path.join(options.dir, name), 'utf8');
    if (await allStored(api, text)) {
      summary.skipped++;
      continue;
    }
    await upload(api, { kind: 'claude-code', transcript: text }, name, summary, write);
  }
  write(`${progress(transcripts.length, transcripts.length)} done\n`);
  return summary;
}

async function upload(
  api: DevContextClient,
  body:
    | {
        kind: 'v1-export';
        files: {
          checkpoints?: unknown;
          messagePages: unknown[];
          commits?: unknown;
          topics?: unknown;
        };
      }
    | { kind: 'claude-code'; transcript: string },
  label: string,
  summary: PushSummary,
  write: (text: string) => void,
) {
  const accepted = await api.POST('/v1/imports', { body });
  if (!accepted.data) {
    summary.failed.push(
      `${label}: ${(accepted.error as { detail?: string } | undefined)?.detail ?? accepted.response.status}`,
    );
    return;
  }
  summary.uploaded++;
  for (let i = 0; i < 600; i++) {
    const state = await api.GET('/v1/imports/{id}', { params: { path: { id: accepted.data.id } } });
    const status = state.data?.status;
    if (status === 'succeeded') {
      const report = state.data?.report as
        | { newMessages?: number; duplicateMessages?: number }
        | undefined;
      summary.newMessages += report?.newMessages ?? 0;
      summary.duplicateMessages += report?.duplicateMessages ?? 0;
      return;
    }
    if (status === 'failed') {
      summary.failed.push(`${label}: ${state.data?.error ?? 'failed'}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  summary.failed.push(`${label}: still running; see /v1/imports/${accepted.data.id}`);
  write(`  ${label} is still being imported\n`);
}

/** Whether the server already stores the content of every message line in the file. */
async function allStored(api: DevContextClient, text: string): Promise<boolean> {
  const hashes = new Set<string>();
  for (const line of text.split('\n')) {
    try {
      const content = (JSON.parse(line) as { message?: { content?: unknown } }).message?.content;
      if (typeof content === 'string' && content) hashes.add(contentHash(content));
    } catch {
      // broken lines are the server's to count
    }
  }
  if (hashes.size === 0) return false;
  const reply = await api.POST('/v1/messages/dedup-check', {
    body: { hashes: [...hashes].slice(0, 10000) },
  });
  return (reply.data?.missing.length ?? 1) === 0;
}

/** The server's addressing of a body: SHA-256 of its NFC, \n-line-ended content. */
export function contentHash(content: string): string {
  return createHash('sha256')
    .update(content.normalize('NFC').replace(/\r\n?/g, '\n'))
    .digest('hex');
}

function progress(done: number, total: number): string {
  const width = 20;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}
