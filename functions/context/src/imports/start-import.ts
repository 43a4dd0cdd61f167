import { randomUUID } from 'node:crypto';
import {
  actorOf,
  actorScope,
  assertReferenceExists,
  enqueueJob,
  type RequestContext,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { importJob, importStorage } from './import-job.ts';
import { insertImport } from './queries.ts';

export const uploadBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('v1-export'),
    projectId: z.uuid().optional(),
    files: z.object({
      checkpoints: z.unknown().optional(),
      messagePages: z
        .array(z.unknown())
        .min(1)
        .describe('The messages-page-NNN.json files, in order.'),
      commits: z.unknown().optional().describe('git-commits.json'),
      topics: z.unknown().optional().describe('topics.json'),
    }),
  }),
  z.object({
    kind: z.literal('claude-code'),
    projectId: z.uuid().optional(),
    transcript: z.string().min(1).describe('The .jsonl file of one Claude Code session.'),
  }),
]);

/**
 * Stores the upload as sent and queues its import job, which does the writing in the
 * background. Returns the import's row (queued).
 */
export async function startImport(ctx: RequestContext, upload: z.infer<typeof uploadBody>) {
  const actor = actorOf(ctx);
  const id = randomUUID();
  const key = `imports/${id}.json`;
  // The upload is stored before the row exists: a job never points at a missing file.
  await importStorage(ctx.config).put(
    actor.tenantId,
    key,
    Buffer.from(JSON.stringify(upload)),
    'application/json',
  );
  return withTenant(actorScope(ctx), async (trx) => {
    await assertReferenceExists(trx, actor.tenantId, 'projects', upload.projectId);
    const created = await insertImport(trx, actor.tenantId, {
      id,
      kind: upload.kind,
      storageKey: key,
      projectId: upload.projectId ?? null,
      createdBy: actor.userId,
    });
    await enqueueJob(
      trx,
      ctx.dispatcher,
      actor.tenantId,
      importJob,
      { importId: id },
      { createdBy: actor.userId },
    );
    return created;
  });
}
