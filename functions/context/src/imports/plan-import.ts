import { AppError } from '@devctx/shared';
import { parseClaudeTranscript } from './claude-code/transcript.ts';
import { planV1Import, type V1Files, type V1Plan } from './v1/plan.ts';

export type Upload =
  | { kind: 'v1-export'; files: V1Files }
  | { kind: 'claude-code'; transcript: string };

export interface PlannedSession {
  tool: string;
  externalId: string;
  title: string | null;
  startedAt: string | null;
  endedAt: string | null;
  gitBranch: string | null;
  workingDir: string | null;
  messages: {
    role: 'user' | 'assistant' | 'system' | 'tool';
    content: string;
    externalId: string;
    occurredAt: string | null;
    inputTokens?: number;
    outputTokens?: number;
    tags?: string[];
    fileReferences?: { path: string; operation: 'read' | 'write' | 'edit' | 'mention' }[];
    commands?: string[];
  }[];
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
    : fromTranscript(String(upload.transcript ?? ''));
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

function fromV1(files: V1Files): ImportPlan {
  const plan = planV1Import(files);
  const sessions: PlannedSession[] = plan.sessions.map((s) => ({
    tool: 'v1',
    externalId: s.externalId,
    title: s.title,
    startedAt: s.startedAt,
    endedAt: null,
    gitBranch: null,
    workingDir: null,
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

function fromTranscript(text: string): ImportPlan {
  const parsed = parseClaudeTranscript(text);
  const sessions: PlannedSession[] = [
    {
      tool: 'claude-code',
      externalId: parsed.sessionId ?? 'unknown-session',
      title: parsed.summary,
      startedAt: parsed.startedAt,
      endedAt: parsed.endedAt,
      gitBranch: parsed.gitBranch,
      workingDir: parsed.cwd,
      messages: parsed.messages
        .filter((m) => m.content || m.toolCalls.length > 0)
        .map((m) => ({
          role: m.role,
          content:
            m.content || m.toolCalls.map((c) => `${c.name}(${JSON.stringify(c.input)})`).join('\n'),
          externalId: m.externalId,
          occurredAt: m.timestamp,
          ...(m.inputTokens !== null ? { inputTokens: m.inputTokens } : {}),
          ...(m.outputTokens !== null ? { outputTokens: m.outputTokens } : {}),
          fileReferences: m.fileReferences,
          commands: m.commands,
        })),
    },
  ];
  return {
    sessions,
    report: { malformedLines: parsed.malformedLines.length, unknownTypes: parsed.unknownTypes },
    v1: undefined,
  };
}
