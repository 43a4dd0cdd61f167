import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from './errors.ts';
import { type Api, describe } from './http.ts';
import { type ImportView, summarise, waitForImport } from './imports.ts';
import { readTranscriptLines } from './transcript-lines.ts';

/** One thing to push: a v1 export folder, or one Claude Code transcript. */
type Unit = { kind: 'v1-export'; dir: string } | { kind: 'claude-code'; file: string };

export interface Pushed {
  label: string;
  /** uploaded: an import ran (see view); skipped: nothing new, or not a transcript. */
  outcome: 'uploaded' | 'skipped' | 'refused';
  importId?: string;
  view?: ImportView;
  reason?: string;
}

export interface PushEvents {
  start(total: number): void;
  /** A unit is being read, uploaded or imported. */
  step(label: string): void;
  done(result: Pushed): void;
}

const V1_PAGE = /^messages-page-\d+\.json$/;

/**
 * `devctx push <path…>`: v1 export folders and Claude Code transcripts (.jsonl files, or
 * folders searched for them). A transcript sends only its lines the server does not hold
 * (asked by line identity), so a transcript that grew sends its new turns and one that did
 * not sends nothing. Each upload is followed to its end and reported.
 */
export async function push(
  call: Api,
  paths: string[],
  events: PushEvents,
  options: { projectId?: string | undefined } = {},
): Promise<Pushed[]> {
  const units: Unit[] = [];
  for (const given of paths) units.push(...(await unitsAt(given)));
  events.start(units.length);
  const results: Pushed[] = [];
  for (const unit of units) {
    const shown = path.relative(callersDir(), unit.kind === 'v1-export' ? unit.dir : unit.file);
    const label = unit.kind === 'v1-export' ? `${shown} (v1 export)` : shown;
    events.step(label);
    const result =
      unit.kind === 'v1-export'
        ? await upload(
            call,
            label,
            { kind: 'v1-export', files: await readV1(unit.dir), ...project(options) },
            events,
          )
        : await pushTranscript(call, unit.file, label, options, events);
    results.push(result);
    events.done(result);
  }
  return results;
}

const project = (options: { projectId?: string | undefined }) =>
  options.projectId ? { projectId: options.projectId } : {};

/**
 * `npm run devctx` runs in the repository's root: paths are the caller's, relative to where
 * npm was started (INIT_CWD).
 */
export const callersDir = () => process.env.INIT_CWD ?? process.cwd();

async function unitsAt(relative: string): Promise<Unit[]> {
  const given = path.resolve(callersDir(), relative);
  const info = await stat(given).catch(() => {
    throw new CliError(`${given}: no such file or folder.`, EXIT.usage);
  });
  if (info.isFile()) {
    if (!given.endsWith('.jsonl'))
      throw new CliError(
        `${given}: not a Claude Code transcript (.jsonl) nor a v1 export folder.`,
        EXIT.usage,
      );
    return [{ kind: 'claude-code', file: given }];
  }
  const entries = (await readdir(given, { recursive: true })).sort();
  if (entries.includes('checkpoints.json') && entries.some((e) => V1_PAGE.test(path.basename(e))))
    return [{ kind: 'v1-export', dir: given }];
  const transcripts = entries.filter((e) => e.endsWith('.jsonl')).map((e) => path.join(given, e));
  if (transcripts.length === 0)
    throw new CliError(`${given}: holds no .jsonl transcript and is no v1 export.`, EXIT.usage);
  return transcripts.map((file) => ({ kind: 'claude-code', file }));
}

/** A JSON file of the export, or a one-line error naming the file and where it breaks. */
async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = /position (\d+)/.exec((error as Error).message)?.[1];
    const where = at === undefined ? '' : ` at ${lineAndColumn(text, Number(at))}`;
    throw new CliError(`${file}: not valid JSON${where}.`, EXIT.data);
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  return `line ${line}, column ${position - before.lastIndexOf('\n')}`;
}

async function readV1(dir: string) {
  const entries = (await readdir(dir)).sort();
  const optional = async (name: string) =>
    entries.includes(name) ? await readJson(path.join(dir, name)) : undefined;
  return {
    checkpoints: await readJson(path.join(dir, 'checkpoints.json')),
    messagePages: await Promise.all(
      entries.filter((e) => V1_PAGE.test(e)).map((e) => readJson(path.join(dir, e))),
    ),
    ...(entries.includes('git-commits.json')
      ? { commits: await optional('git-commits.json') }
      : {}),
    ...(entries.includes('topics.json') ? { topics: await optional('topics.json') } : {}),
  };
}

async function pushTranscript(
  call: Api,
  file: string,
  label: string,
  options: { projectId?: string | undefined },
  events: PushEvents,
): Promise<Pushed> {
  const lines = readTranscriptLines(await readFile(file, 'utf8'));
  const messages = lines.filter((l) => l.identity !== undefined);
  if (messages.length === 0)
    return { label, outcome: 'skipped', reason: 'not a transcript: no message in it' };
  // Claude Code names the file after the session; the lines say it too.
  const sessionId = lines.find((l) => l.sessionId)?.sessionId ?? path.basename(file, '.jsonl');
  const known = messages.every((l) => l.identity)
    ? await knownIdentities(call, sessionId, messages)
    : new Set<string>();
  const fresh = messages.filter((l) => !l.identity || !known.has(l.identity));
  if (fresh.length === 0) return { label, outcome: 'skipped', reason: 'up to date' };
  // The new message lines, and what names the session (its summary lines).
  const summaries = lines.filter((l) => l.type === 'summary');
  const transcript = [...summaries, ...fresh].map((l) => l.text).join('\n');
  const pushed = await upload(
    call,
    file,
    { kind: 'claude-code', transcript, sessionId, ...project(options) },
    events,
  );
  // What is left once the held lines are out are lines the importer stores no message for
  // (a thinking-only line, say): the transcript is up to date, not "no transcript".
  return pushed.outcome === 'skipped' && known.size > 0
    ? { ...pushed, reason: 'up to date' }
    : pushed;
}

async function knownIdentities(
  call: Api,
  sessionId: string,
  messages: { identity?: string | null }[],
) {
  const ids = [...new Set(messages.map((m) => m.identity as string))];
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 10_000) {
    const answer = await call<{ known: string[] }>('POST', '/v1/imports/known-messages', {
      tool: 'claude-code',
      sessionId,
      externalIds: ids.slice(i, i + 10_000),
    });
    if (!answer.ok)
      throw new CliError(
        describe(answer.problem),
        answer.problem.status === 403 ? EXIT.permission : EXIT.data,
      );
    for (const id of answer.data.known) known.add(id);
  }
  return known;
}

async function upload(
  call: Api,
  label: string,
  body: unknown,
  events: PushEvents,
): Promise<Pushed> {
  const accepted = await call<ImportView>('POST', '/v1/imports', body);
  if (!accepted.ok) {
    if (accepted.problem.status === 403 && accepted.problem.code === 'forbidden')
      throw new CliError(
        `This key cannot import (it needs sessions:write): ${describe(accepted.problem)}`,
        EXIT.permission,
      );
    // Nothing to import in it: a file that only looks like a transcript.
    const notTranscript =
      accepted.problem.status === 400 && /Nothing to import/.test(accepted.problem.detail ?? '');
    return {
      label,
      outcome: notTranscript ? 'skipped' : 'refused',
      reason: describe(accepted.problem),
    };
  }
  const view = await waitForImport(call, accepted.data.id, {
    onWait: (v) => events.step(`${label}: import ${v.id} ${v.status}`),
  });
  return { label, outcome: 'uploaded', importId: view.id, view };
}

/** One line per pushed thing, as the CLI prints it. */
export function describePushed(result: Pushed): string {
  if (result.outcome === 'skipped') return `- ${result.label}: skipped (${result.reason})`;
  if (result.outcome === 'refused') return `✗ ${result.label}: refused: ${result.reason}`;
  const view = result.view as ImportView;
  const mark = view.status === 'succeeded' ? '✓' : '✗';
  return `${mark} ${result.label}: import ${view.id} ${summarise(view)}`;
}
