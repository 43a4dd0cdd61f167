import {
  afterCommit,
  defineJob,
  PermanentJobError,
  parseInstant,
  storageFor,
  type Trx,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { repositoryNamedBy } from '../brief/queries.ts';
import { ingestMessages } from '../messages/ingest.ts';
import { type PlannedSession, planImport, type Upload } from './plan-import.ts';
import { endImport } from './queries.ts';
import { importV1Commits } from './v1/commits.ts';

/**
 * Writes an uploaded import: each session once (by tool and external id), each message
 * once (by external id), through the same ingest path as the API — so importing the same
 * upload again adds nothing, and a run cut short is simply run again. An import always
 * ends: `succeeded` (its upload is then deleted), or `failed` with the reason once the job
 * is dead — at once for what retrying cannot change (a quota, an unreadable upload).
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
    const storage = storageFor(ctx.config);
    const raw = await storage.get(ctx.tenantId, row.storage_key);
    if (!raw) throw new PermanentJobError('The upload is gone; upload it again.');
    let upload: Upload;
    try {
      upload = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new PermanentJobError('The stored upload cannot be read; upload it again.');
    }
    const { sessions, report, v1 } = planImport(upload);

    // The v1 export's commits go to its repository, which its sessions then belong to.
    const commits = v1 ? await importV1Commits(trx, ctx, row, v1) : undefined;
    // A captured transcript names its working copy's remote: its session joins that repository.
    const linked =
      upload.kind === 'claude-code' && upload.repository
        ? ((await repositoryNamedBy(trx, ctx.tenantId, upload.repository)) ?? null)
        : undefined;
    const repositoryId = commits?.repositoryId ?? linked?.id;

    let newMessages = 0;
    let duplicates = 0;
    for (const [index, session] of sessions.entries()) {
      const ids = await writeSession(trx, ctx.tenantId, row, session, repositoryId);
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
      ...(linked === undefined ? {} : { repository: linked?.full_name ?? null }),
      sessions: sessions.length,
      newMessages,
      duplicateMessages: duplicates,
    };
    await endImport(trx, ctx.tenantId, importId, { status: 'succeeded', report: result });
    // Its upload is no longer needed: no longer counted, and deleted once this commits.
    afterCommit(trx, () => storage.delete(ctx.tenantId, row.storage_key));
    return result;
  },
  onDead: async (ctx, { importId }, trx, error) => {
    await endImport(trx, ctx.tenantId, importId, { status: 'failed', error });
  },
});

/**
 * The session and its conversation, found or made atomically: any number of imports (or
 * captures) of one transcript at once end in one session and one conversation, so each
 * message is stored once. A session imported again keeps what it had and widens its span
 * to the new messages; its model is filled in if it was not known.
 */
async function writeSession(
  trx: Trx,
  tenantId: string,
  upload: { project_id: string | null; created_by: string | null },
  session: PlannedSession,
  repositoryId: string | undefined,
) {
  // Compared as instants: the two may be written with different offsets.
  const startedAt = instantOf(session.startedAt);
  const ended = instantOf(session.endedAt);
  const endedAt = ended && (!startedAt || ended >= startedAt) ? ended : null;
  const { id } = await trx
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
      model: session.model,
      ended_at: endedAt,
      ...(startedAt ? { started_at: startedAt } : {}),
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'tool', 'external_id'])
        .where('external_id', 'is not', null)
        .doUpdateSet((eb) => ({
          model: eb.fn.coalesce('ai_sessions.model', eb.ref('excluded.model')),
          repository_id: eb.fn.coalesce(
            'ai_sessions.repository_id',
            eb.ref('excluded.repository_id'),
          ),
          title: eb.fn.coalesce('ai_sessions.title', eb.ref('excluded.title')),
          ended_at: sql<Date | null>`case when ai_sessions.ended_at is null then null
                     else greatest(ai_sessions.ended_at, excluded.ended_at) end`,
        })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  // The session row stays locked to the end of this transaction: a concurrent import of the
  // same session waits here, then finds the conversation this one made.
  await trx
    .selectFrom('ai_sessions')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .forUpdate()
    .execute();
  const conversation = await trx
    .selectFrom('conversations')
    .select(['id', 'session_id'])
    .where('tenant_id', '=', tenantId)
    .where('session_id', '=', id)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
  return (
    conversation ??
    trx
      .insertInto('conversations')
      .values({ tenant_id: tenantId, session_id: id, title: null })
      .returning(['id', 'session_id'])
      .executeTakeFirstOrThrow()
  );
}

const instantOf = (text: string | null) => (text ? (parseInstant(text) ?? null) : null);
