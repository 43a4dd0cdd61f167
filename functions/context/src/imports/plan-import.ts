import { AppError, parseInstant } from '@devctx/shared';
import type { z } from 'zod';
import type { messageInput } from '../messages/ingest.ts';
import { parseClaudeTranscript, type TranscriptMessage } from './claude-code/transcript.ts';
import { planV1Import, type V1Files, type V1Plan } from './v1/plan.ts';

export type Upload =
  | { kind: 'v1-export'; files: V1Files }
  | {
      kind: 'claude-code';
      transcript: string;
      sessionId?: string | undefined;
      repository?: string | undefined;
    };

export interface PlannedSession {
  tool: string;
  externalId: string;
  title: string | null;
  startedAt: string | null;
  endedAt: string | null;
  gitBranch: string | null;
  workingDir: string | null;
  /** The model most of its answers came from. */
  model: string | null;
  messages: (Omit<z.infer<typeof messageInput>, 'occurredAt'> & {
    externalId: string;
    occurredAt: string | null;
  })[];
}

export interface ImportPlan {
  sessions: PlannedSession[];
  report: Record<string, unknown>;
  v1: V1Plan | undefined;
}

/** What an upload would write: sessions and their messages, and what was left out. Pure. */
export function planImport(upload: Upload): ImportPlan {
  return upload.kind === 'v1-export'
    ? fromV1(upload.files)
    : fromTranscript(String(upload.transcript ?? ''), upload.sessionId);
}

/**
 * Refuses, before anything is stored, an upload in which nothing can be imported (not a
 * transcript, an export without readable messages), saying what was found.
 */
export function assertImportable(plan: ImportPlan, kind: Upload['kind']) {
  const messages = plan.sessions.reduce((n, s) => n + s.messages.length, 0);
  if (messages > 0) return;
  const what =
    kind === 'claude-code'
      ? 'no user or assistant message in it (is it a Claude Code .jsonl transcript?)'
      : 'no readable message in its messages pages';
  throw new AppError('validation_failed', `Nothing to import: ${what}.`, {
    fieldErrors: [
      {
        path: kind === 'claude-code' ? 'body.transcript' : 'body.files',
        message: 'nothing to import',
      },
    ],
  });
}

/** The latest of some times, compared as instants (their offsets may differ), or null. */
function latest(times: (string | null | undefined)[]): string | null {
  let best: { at: number; text: string } | null = null;
  for (const text of times) {
    const at = text ? parseInstant(text)?.getTime() : undefined;
    if (at === undefined || !text) continue;
    if (!best || at > best.at) best = { at, text };
  }
  return best?.text ?? null;
}

function fromV1(files: V1Files): ImportPlan {
  const plan = planV1Import(files);
  const sessions: PlannedSession[] = plan.sessions.map((s) => ({
    tool: 'v1',
    externalId: s.externalId,
    title: s.title,
    startedAt: s.startedAt,
    // An imported session is over: it ends at its last message (at its start without one).
    endedAt: latest(s.messages.map((m) => m.occurredAt)) ?? s.startedAt,
    gitBranch: null,
    workingDir: null,
    model: null,
    messages: s.messages.map((m) => ({ ...m, externalId: m.v1Hash })),
  }));
  return {
    sessions,
    report: {
      verifiedHashes: plan.report.verified,
      mismatchedHashes: plan.report.mismatched.length,
      skipped: plan.report.skipped,
      topics: plan.topics.length,
    },
    v1: plan,
  };
}

function fromTranscript(text: string, sessionHint: string | undefined): ImportPlan {
  const parsed = parseClaudeTranscript(text);
  const sessionId = parsed.sessionId ?? sessionHint;
  const messages = parsed.messages.filter((m) => m.content || m.toolCalls.length > 0);
  if (messages.length > 0 && !sessionId) {
    throw new AppError(
      'validation_failed',
      'The transcript names no session: send its session id (the .jsonl file is named after it).',
      { fieldErrors: [{ path: 'body.sessionId', message: 'required for this transcript' }] },
    );
  }
  const sessions: PlannedSession[] = [
    {
      tool: 'claude-code',
      externalId: sessionId ?? '',
      title: parsed.summary,
      startedAt: parsed.startedAt,
      endedAt: parsed.endedAt,
      gitBranch: parsed.gitBranch,
      workingDir: parsed.cwd,
      model: mostUsed(messages.map((m) => m.model)),
      messages: messages.map(toPlannedMessage),
    },
  ];
  return {
    sessions,
    report: { malformedLines: parsed.malformedLines.length, unknownTypes: parsed.unknownTypes },
    v1: undefined,
  };
}

/**
 * A transcript message as the import writes it. Its tool calls are kept whole, and each
 * is also said in a line of the searched text (`[Read] src/server.ts`), so a file a tool
 * read or a command it ran can be found. Thinking is kept beside the text, not in it.
 */
function toPlannedMessage(m: TranscriptMessage): PlannedSession['messages'][number] {
  const calls = m.toolCalls.map(toolLine);
  return {
    role: m.role,
    content: [m.content, ...calls].filter(Boolean).join('\n'),
    externalId: m.externalId,
    occurredAt: m.timestamp,
    ...(m.inputTokens !== null ? { inputTokens: m.inputTokens } : {}),
    ...(m.outputTokens !== null ? { outputTokens: m.outputTokens } : {}),
    ...(m.model ? { model: m.model } : {}),
    ...(m.thinking ? { thinking: m.thinking } : {}),
    ...(m.parentExternalId ? { parentExternalId: m.parentExternalId } : {}),
    sidechain: m.sidechain,
    toolCalls: m.toolCalls.map((c) => ({
      ...(c.id ? { id: c.id } : {}),
      name: c.name,
      input: c.input,
    })),
    answersToolCalls: m.answersToolCalls,
    fileReferences: m.fileReferences,
    commands: m.commands,
  };
}

/** The inputs that say what a tool call did, in the order they are looked for. */
const SUMMARY_KEYS = [
  'file_path',
  'notebook_path',
  'path',
  'command',
  'pattern',
  'url',
  'query',
  'description',
  'prompt',
];

function toolLine(call: { name: string; input: unknown }): string {
  const input = (call.input ?? {}) as Record<string, unknown>;
  const key = SUMMARY_KEYS.find((k) => typeof input[k] === 'string');
  const summary = key ? String(input[key]) : JSON.stringify(call.input ?? null);
  return `[${call.name}] ${summary.length > 300 ? `${summary.slice(0, 300)}…` : summary}`;
}

function mostUsed(values: (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}
