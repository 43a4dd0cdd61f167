import { randomUUID } from 'node:crypto';
import {
  actorOf,
  actorScope,
  assertReferenceExists,
  enqueueJob,
  type RequestContext,
  storageFor,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { importJob } from './import-job.ts';
import { assertImportable, planImport } from './plan-import.ts';
import { insertImport } from './queries.ts';
import { assertQuotaAllows } from './quota-check.ts';

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
    sessionId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe(
        'The session’s id, for a transcript whose lines do not name it (the file is named after it).',
      ),
    repository: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe(
        'The git remote URL (or owner/name) of the working copy: the session is linked to the tenant’s repository of that name, if it has one.',
      ),
  }),
]);

/**
 * Checks the upload, stores it as sent and queues its import job, which does the writing
 * in the background. Returns the import's row (queued). An upload with nothing to import
 * is refused before anything is stored; a stored one counts toward the tenant's storage
 * until its import no longer needs it.
 */
export async function startImport(ctx: RequestContext, upload: z.infer<typeof uploadBody>) {
  const actor = actorOf(ctx);
  const plan = planImport(upload);
  assertImportable(plan, upload.kind);
  const id = randomUUID();
  const key = `imports/${id}.json`;
  const bytes = Buffer.from(JSON.stringify(upload));
  await withTenant(actorScope(ctx), (trx) =>
    assertQuotaAllows(trx, actor.tenantId, plan, bytes.length),
  );
  // The upload is stored before the row exists: a job never points at a missing file. If
  // the row is refused (a quota, a foreign project), the stored file goes again.
  const storage = storageFor(ctx.config);
  await storage.put(actor.tenantId, key, bytes, 'application/json');
  try {
    return await insertAndQueue(ctx, upload, id, key, bytes.length);
  } catch (error) {
    await storage.delete(actor.tenantId, key).catch(() => undefined);
    throw error;
  }
}

async function insertAndQueue(
  ctx: RequestContext,
  upload: z.infer<typeof uploadBody>,
  id: string,
  key: string,
  uploadBytes: number,
) {
  const actor = actorOf(ctx);
  return withTenant(actorScope(ctx), async (trx) => {
    await assertReferenceExists(trx, actor.tenantId, 'projects', upload.projectId);
    const created = await insertImport(trx, actor.tenantId, {
      id,
      kind: upload.kind,
      storageKey: key,
      uploadBytes,
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
