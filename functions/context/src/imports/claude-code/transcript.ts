/**
 * Claude Code transcripts (`~/.claude/projects/<project>/<session>.jsonl`), one JSON
 * object per line, into messages. Pure: no I/O.
 *
 * - user/assistant lines carry `message` whose content is a string or blocks (text,
 *   thinking, tool_use, tool_result); one assistant response may be streamed over several
 *   lines sharing `message.id` — they become one message;
 * - a user line made only of tool_result blocks is the tool's answer: role `tool`;
 * - `summary` lines name the session; other known bookkeeping lines are ignored;
 * - unknown line types and malformed lines are counted and skipped, never fatal.
 */

import { parseInstant, wellFormedJson } from '@devctx/shared';

export type TranscriptRole = 'user' | 'assistant' | 'system' | 'tool';

export interface FileReference {
  path: string;
  operation: 'read' | 'write' | 'edit' | 'mention';
}

export interface TranscriptMessage {
  /** Stable across re-imports: the assistant message id, else the line's uuid. */
  externalId: string;
  parentExternalId: string | null;
  role: TranscriptRole;
  content: string;
  thinking: string | null;
  toolCalls: { id: string; name: string; input: unknown }[];
  /** For a tool's answer: the ids of the tool calls it answers. */
  answersToolCalls: string[];
  /** Written in a sidechain: a sub-agent's thread beside the main one. */
  sidechain: boolean;
  timestamp: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  fileReferences: FileReference[];
  commands: string[];
}

export interface ParsedTranscript {
  sessionId: string | null;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  summary: string | null;
  startedAt: string | null;
  endedAt: string | null;
  messages: TranscriptMessage[];
  malformedLines: number[];
  unknownTypes: Record<string, number>;
}

const IGNORED_TYPES = new Set(['file-history-snapshot', 'queue-operation']);
const FILE_TOOLS: Record<string, FileReference['operation']> = {
  Read: 'read',
  Write: 'write',
  Edit: 'edit',
  MultiEdit: 'edit',
  NotebookEdit: 'edit',
};

type Block = {
  type?: string;
  text?: string;
  thinking?: string;
  id?: string;
  name?: string;
  input?: unknown;
  content?: unknown;
  tool_use_id?: string;
};
type Line = {
  type?: string;
  uuid?: string;
  parentUuid?: string | null;
  isSidechain?: boolean;
  sessionId?: string;
  cwd?: string;
  gitBranch?: string;
  version?: string;
  timestamp?: unknown;
  summary?: string;
  content?: unknown;
  message?: {
    id?: string;
    role?: string;
    model?: string;
    content?: unknown;
    usage?: { input_tokens?: number; output_tokens?: number };
  };
};

export function parseClaudeTranscript(text: string): ParsedTranscript {
  const result: ParsedTranscript = {
    sessionId: null,
    cwd: null,
    gitBranch: null,
    version: null,
    summary: null,
    startedAt: null,
    endedAt: null,
    messages: [],
    malformedLines: [],
    unknownTypes: {},
  };
  const byAssistantId = new Map<string, TranscriptMessage>();

  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let line: Line;
    try {
      // Bounded and well-formed like any client JSON: an unpaired surrogate in one line
      // must not fail the import.
      line = wellFormedJson(JSON.parse(raw)) as Line;
      if (typeof line !== 'object' || line === null || Array.isArray(line))
        throw new Error('not an object');
    } catch {
      result.malformedLines.push(index + 1);
      return;
    }
    const type = typeof line.type === 'string' ? line.type : 'unknown';
    result.sessionId ??= line.sessionId ?? null;
    result.cwd ??= line.cwd ?? null;
    result.gitBranch ??= line.gitBranch ?? null;
    result.version ??= line.version ?? null;
    const timestamp = instantOf(line.timestamp);
    if (timestamp) {
      if (!result.startedAt || timestamp < result.startedAt) result.startedAt = timestamp;
      if (!result.endedAt || timestamp > result.endedAt) result.endedAt = timestamp;
    }

    if (type === 'summary') {
      if (typeof line.summary === 'string') result.summary = line.summary;
      return;
    }
    if (IGNORED_TYPES.has(type)) return;
    if (type !== 'user' && type !== 'assistant' && type !== 'system') {
      result.unknownTypes[type] = (result.unknownTypes[type] ?? 0) + 1;
      return;
    }

    const blocks = toBlocks(type === 'system' ? line.content : line.message?.content);
    const streamId = type === 'assistant' ? line.message?.id : undefined;
    const existing = streamId ? byAssistantId.get(streamId) : undefined;
    const message = existing ?? {
      externalId: streamId ?? line.uuid ?? `line-${index + 1}`,
      parentExternalId: line.parentUuid ?? null,
      role: roleOf(type, blocks),
      content: '',
      thinking: null,
      toolCalls: [],
      answersToolCalls: [],
      sidechain: line.isSidechain === true,
      timestamp,
      model: line.message?.model ?? null,
      inputTokens: null,
      outputTokens: null,
      fileReferences: [],
      commands: [],
    };
    appendBlocks(message, blocks);
    const usage = line.message?.usage;
    if (usage) {
      message.inputTokens = Math.max(message.inputTokens ?? 0, usage.input_tokens ?? 0);
      message.outputTokens = Math.max(message.outputTokens ?? 0, usage.output_tokens ?? 0);
    }
    if (!existing) {
      result.messages.push(message);
      if (streamId) byAssistantId.set(streamId, message);
    }
  });
  result.messages = inTranscriptOrder(result.messages);
  return result;
}

/**
 * A line's time in one form (UTC, milliseconds), so that times compare as text; null for
 * anything that is not an instant (a transcript is client text and may hold anything).
 */
function instantOf(value: unknown): string | null {
  return typeof value === 'string' ? (parseInstant(value)?.toISOString() ?? null) : null;
}

/**
 * Messages in the order they happened: by timestamp, and in the file's order where the
 * times tie or are missing (a line without one stays after the line before it). A
 * sidechain's lines, written in a block, thus fall between the main thread's by time.
 */
function inTranscriptOrder(messages: TranscriptMessage[]): TranscriptMessage[] {
  let last = '';
  const keyed = messages.map((message, index) => {
    if (message.timestamp && message.timestamp > last) last = message.timestamp;
    return { message, index, at: message.timestamp ?? last };
  });
  keyed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.index - b.index));
  return keyed.map((k) => k.message);
}

function toBlocks(content: unknown): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (Array.isArray(content))
    return content.filter((b): b is Block => typeof b === 'object' && b !== null);
  return [];
}

function roleOf(type: string, blocks: Block[]): TranscriptRole {
  if (type === 'system') return 'system';
  if (type === 'user' && blocks.length > 0 && blocks.every((b) => b.type === 'tool_result'))
    return 'tool';
  return type === 'assistant' ? 'assistant' : 'user';
}

function appendBlocks(message: TranscriptMessage, blocks: Block[]) {
  const join = (a: string, b: string) => (a && b ? `${a}\n\n${b}` : a || b);
  for (const block of blocks) {
    if (block.type === 'text' && typeof block.text === 'string') {
      message.content = join(message.content, block.text);
    } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
      message.thinking = join(message.thinking ?? '', block.thinking);
    } else if (block.type === 'tool_use' && typeof block.name === 'string') {
      message.toolCalls.push({ id: block.id ?? '', name: block.name, input: block.input ?? null });
      const input = (block.input ?? {}) as {
        file_path?: unknown;
        notebook_path?: unknown;
        command?: unknown;
      };
      const file = input.file_path ?? input.notebook_path;
      const operation = FILE_TOOLS[block.name];
      if (operation && typeof file === 'string')
        message.fileReferences.push({ path: file, operation });
      if (block.name === 'Bash' && typeof input.command === 'string')
        message.commands.push(input.command);
    } else if (block.type === 'tool_result') {
      message.content = join(message.content, toolResultText(block.content));
      if (typeof block.tool_use_id === 'string') message.answersToolCalls.push(block.tool_use_id);
    }
  }
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return toBlocks(content)
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .filter(Boolean)
    .join('\n');
}
