import { type Config, defineJob, type ObjectStorage, storageFor, type Trx } from '@devctx/shared';
import { z } from 'zod';
import { ingestMessages } from '../messages/ingest.ts';
import { parseClaudeTranscript } from './claude-code/transcript.ts';
import { importV1Commits } from './v1/commits.ts';
import { planV1Import, type V1Files } from './v1/plan.ts';

const storages = new WeakMap<Config, ObjectStorage>();
/** The storage driver for these (validated) settings, made once. */
export function importStorage(config: Config): ObjectStorage {
  let storage = storages.get(config);
  if (!storage) {
    storage = storageFor(config);
    storages.set(config, storage);
  }
  return storage;
}

interface PlannedSession {
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

/**
 * Writes an uploaded import: each session once (by tool and external id), each message
 * once (by external id), through the same ingest path as the API — so importing the same
 * upload again adds nothing, and a run cut short is simply run again.
 */
export const importJob = defineJob({
  kind: 'context.import',
  queue: 'imports',
  payload: z.object({ importId: z.uuid() }),
  maxAttempts: 5,
  run: async (ctx, { importId }, trx) => {
    const row = await trx
      .selectFrom('imports')
      .select(['kind', 'storage_key', 'project_id', 'created_by'])
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', importId)
      .executeTakeFirstOrThrow();
    const raw = await importStorage(ctx.config).get(ctx.tenantId, row.storage_key);
    if (!raw) throw new Error(`the upload ${row.storage_key} is missing`);
    const upload = JSON.parse(raw.toString('utf8'));
    const { sessions, report, v1 } =
      row.kind === 'v1-export'
        ? fromV1(upload.files as V1Files)
        : fromTranscript(String(upload.transcript ?? ''));

    // The v1 export's commits go to its repository, which its sessions then belong to.
    const commits = v1 ? await importV1Commits(trx, ctx, row, v1) : undefined;

    let newMessages = 0;
    let duplicates = 0;
    for (const [index, session] of sessions.entries()) {
      const ids = await writeSession(trx, ctx.tenantId, row, session, commits?.repositoryId);
      for (let i = 0; i < session.messages.length; i += 1000) {
        const outcomes = await ingestMessages(
          trx,
          ctx.log,
          ctx.tenantId,
          ids,
          session.messages
            .slice(i, i + 1000)
            .map((m) => ({ ...m, occurredAt: m.occurredAt ?? undefined })),
        );
        newMessages += outcomes.filter((o) => !o.duplicateMessage).length;
        duplicates += outcomes.filter((o) => o.duplicateMessage).length;
      }
      await trx
        .updateTable('imports')
        .set({
          status: 'running',
          progress: JSON.stringify({ sessionsDone: index + 1, sessions: sessions.length }),
        })
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', importId)
        .execute();
    }
    const result = {
      ...report,
      ...(commits ? { commits: commits.report } : {}),
      sessions: sessions.length,
      newMessages,
      duplicateMessages: duplicates,
    };
    await trx
      .updateTable('imports')
      .set({
        status: 'succeeded',
        report: JSON.stringify(result),
        finished_at: new Date(),
        error: null,
      })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', importId)
      .execute();
    return result;
  },
});

function fromV1(files: V1Files) {
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

function fromTranscript(text: string) {
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

async function writeSession(
  trx: Trx,
  tenantId: string,
  upload: { project_id: string | null; created_by: string | null },
  session: PlannedSession,
  repositoryId: string | undefined,
) {
  let existing = await trx
    .selectFrom('ai_sessions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('tool', '=', session.tool)
    .where('external_id', '=', session.externalId)
    .executeTakeFirst();
  if (!existing) {
    existing = await trx
      .insertInto('ai_sessions')
      .values({
        tenant_id: tenantId,
        tool: session.tool,
        external_id: session.externalId,
        title: session.title?.slice(0, 500) ?? null,
        project_id: upload.project_id,
        repository_id: repositoryId ?? null,
        user_id: upload.created_by,
        git_branch: session.gitBranch,
        working_dir: session.workingDir,
        model: null,
        ended_at:
          session.endedAt && session.startedAt && session.endedAt >= session.startedAt
            ? new Date(session.endedAt)
            : null,
        ...(session.startedAt ? { started_at: new Date(session.startedAt) } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }
  let conversation = await trx
    .selectFrom('conversations')
    .select(['id', 'session_id'])
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', existing.id)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  conversation ??= await trx
    .insertInto('conversations')
    .values({ tenant_id: tenantId, session_id: existing.id, title: null })
    .returning(['id', 'session_id'])
    .executeTakeFirstOrThrow();
  return conversation;
}
