import { isInstant } from '@devctx/shared';
import { z } from 'zod';
import { checkpointDate } from './checkpoint-date.ts';
import { v1MessageHash } from './message-hash.ts';

/**
 * The v1 dashboard export (checkpoints.json, messages-page-NNN.json, commands.json,
 * files.json, git-commits.json, topics.json) as what v2 will store: one session per
 * checkpoint, its messages in order with tags, file references and commands, the commits
 * and the topics. Pure: reading files and writing rows are the importer's job. Every
 * message's v1 hash is verified; unreadable entries are reported, never fatal.
 */

const v1Message = z.object({
  hash: z.string(),
  role: z.string(),
  content: z.string(),
  checkpoint_id: z.string().nullable().optional(),
  first_seen: z.string().nullable().optional(),
  tags: z.array(z.string()).default([]),
  file_references: z.array(z.object({ filepath: z.string(), operation: z.string() })).default([]),
  commands: z.array(z.object({ type: z.string().optional(), text: z.string() })).default([]),
});
const v1Checkpoint = z.object({
  id: z.string(),
  title: z.string().optional(),
  date: z.unknown().optional(),
  summary: z.string().nullable().optional(),
});
const v1Commit = z.object({
  hash: z.string(),
  author: z.string().optional(),
  email: z.string().optional(),
  date: z.string().optional(),
  subject: z.string().optional(),
  body: z.string().optional(),
  github_url: z.string().optional(),
});
const v1Topic = z.object({
  name: z.string(),
  display_name: z.string().optional(),
  message_count: z.number().optional(),
});

export interface V1Files {
  checkpoints?: unknown;
  messagePages: unknown[];
  commits?: unknown;
  topics?: unknown;
}

export interface PlannedMessage {
  v1Hash: string;
  role: 'user' | 'assistant' | 'system' | 'tool';
  content: string;
  occurredAt: string | null;
  tags: string[];
  fileReferences: { path: string; operation: 'read' | 'write' | 'edit' | 'mention' }[];
  commands: string[];
}

export interface V1Plan {
  sessions: {
    externalId: string;
    title: string;
    startedAt: string | null;
    summary: string | null;
    messages: PlannedMessage[];
  }[];
  commits: z.infer<typeof v1Commit>[];
  repositoryUrl: string | null;
  topics: { name: string; displayName: string; messageCount: number }[];
  report: {
    messages: number;
    verified: number;
    mismatched: string[];
    skipped: { where: string; reason: string }[];
  };
}

const ROLES = new Set(['user', 'assistant', 'system', 'tool']);
const OPERATIONS = new Set(['read', 'write', 'edit', 'mention']);

export function planV1Import(files: V1Files): V1Plan {
  const skipped: V1Plan['report']['skipped'] = [];
  const list = <T>(value: unknown, key: string, schema: z.ZodType<T>, where: string): T[] => {
    const items = (value as Record<string, unknown> | undefined)?.[key];
    if (!Array.isArray(items)) return [];
    return items.flatMap((item, i) => {
      const parsed = schema.safeParse(item);
      if (parsed.success) return [parsed.data];
      skipped.push({
        where: `${where}[${i}]`,
        reason: parsed.error.issues[0]?.message ?? 'invalid',
      });
      return [];
    });
  };

  const sessions = new Map<string, V1Plan['sessions'][number]>();
  for (const checkpoint of list(files.checkpoints, 'checkpoints', v1Checkpoint, 'checkpoints')) {
    sessions.set(checkpoint.id, {
      externalId: checkpoint.id,
      title: checkpoint.title ?? checkpoint.id,
      startedAt: checkpointDate(checkpoint),
      summary: checkpoint.summary ?? null,
      messages: [],
    });
  }

  let verified = 0;
  const mismatched: string[] = [];
  const seen = new Set<string>();
  let total = 0;
  files.messagePages.forEach((page, p) => {
    for (const message of list(page, 'messages', v1Message, `messages-page-${p + 1}`)) {
      total++;
      if (v1MessageHash(message) === message.hash) verified++;
      else mismatched.push(message.hash);
      if (seen.has(message.hash)) continue; // v1 pages can repeat a message: one is enough
      seen.add(message.hash);
      const checkpointId = message.checkpoint_id ?? 'v1-unassigned';
      if (!sessions.has(checkpointId)) {
        sessions.set(checkpointId, {
          externalId: checkpointId,
          title: checkpointId,
          startedAt: checkpointDate({ id: checkpointId }),
          summary: null,
          messages: [],
        });
      }
      sessions.get(checkpointId)?.messages.push({
        v1Hash: message.hash,
        role: ROLES.has(message.role) ? (message.role as PlannedMessage['role']) : 'user',
        content: message.content,
        // A time PostgreSQL would refuse is no time: the message keeps its place, undated.
        occurredAt: message.first_seen && isInstant(message.first_seen) ? message.first_seen : null,
        tags: message.tags,
        fileReferences: message.file_references
          .filter((f) => OPERATIONS.has(f.operation))
          .map((f) => ({
            path: f.filepath,
            operation: f.operation as PlannedMessage['fileReferences'][number]['operation'],
          })),
        commands: message.commands.map((c) => c.text),
      });
    }
  });
  for (const session of sessions.values()) {
    session.messages.sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? ''));
    session.startedAt ??= session.messages[0]?.occurredAt ?? null;
  }

  return {
    sessions: [...sessions.values()],
    commits: list(files.commits, 'commits', v1Commit, 'git-commits'),
    repositoryUrl:
      ((files.commits as Record<string, unknown> | undefined)?.github_url as string | undefined) ??
      null,
    topics: list(files.topics, 'topics', v1Topic, 'topics').map((t) => ({
      name: t.name,
      displayName: t.display_name ?? t.name,
      messageCount: t.message_count ?? 0,
    })),
    report: { messages: total, verified, mismatched, skipped },
  };
}
