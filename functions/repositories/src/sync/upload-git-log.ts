import { actorOf, actorScope, type RequestContext, withTenant } from '@devctx/shared';
import { upsertCommits } from '../commits/upsert-commits.ts';
import { findRepository } from '../repositories/queries.ts';
import { parseGitLog } from './git-log.ts';
import { finishSyncEvent, insertSyncEvent } from './queries.ts';

/**
 * Writes the commits of an uploaded git log at once (upserts: uploading the same log again
 * adds nothing), recorded as a finished sync event. `skipped` counts the records that
 * could not be read.
 */
export async function uploadGitLog(
  ctx: RequestContext,
  repositoryId: string,
  gitLog: string,
  branch: string | undefined,
) {
  const actor = actorOf(ctx);
  const started = Date.now();
  return withTenant(actorScope(ctx), async (trx) => {
    const repository = await findRepository(trx, actor.tenantId, repositoryId);
    const parsed = parseGitLog(gitLog, branch ?? repository.default_branch);
    const event = await insertSyncEvent(trx, actor.tenantId, repositoryId, 'upload', 'git-log');
    const written = await upsertCommits(
      trx,
      actor.tenantId,
      repositoryId,
      parsed.commits,
      'git-log',
    );
    const finished = await finishSyncEvent(trx, actor.tenantId, event.id, started, {
      fetched: parsed.commits.length,
      written,
    });
    return { event: finished, skipped: parsed.skipped };
  });
}
