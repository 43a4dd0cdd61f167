import {
  type Dispatcher,
  defineJob,
  enqueueJob,
  type JobContext,
  secretBoxFor,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { type IncomingCommit, upsertCommits } from '../commits/upsert-commits.ts';
import { githubTokenContext } from '../repositories/sealed-secrets.ts';
import { fetchGitHubCommits, GitHubError } from './github-commits.ts';
import { finishSyncEvent, insertSyncEvent } from './queries.ts';

/** Commits since the last sync are fetched again from this much earlier (upserts are idempotent). */
const OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * Pulls a GitHub repository's new commits and records the outcome in its sync event.
 * GitHub's refusals (rate limit, bad token, unknown repository) end the sync as failed,
 * with the reason; they are not retried until the next sync.
 */
type Fetched =
  | { skipped: string }
  | { started: number; commits: IncomingCommit[]; pages: number }
  | { started: number; error: string };

export const syncJob = defineJob<{ repositoryId: string; syncEventId: string }, Fetched>({
  kind: 'repositories.sync',
  queue: 'commit-sync',
  payload: z.object({ repositoryId: z.uuid(), syncEventId: z.uuid() }),
  maxAttempts: 3,
  // GitHub is called before the job's transaction opens: a long fetch (pages, a
  // rate-limit wait) holds no database connection.
  prepare: async (ctx, { repositoryId }) => {
    const started = Date.now();
    const repository = await withTenant({ db: ctx.db, tenantId: ctx.tenantId }, (trx) =>
      trx
        .selectFrom('repositories')
        .select(['full_name', 'default_branch', 'github_token', 'last_synced_at', 'provider'])
        .where('tenant_id', '=', ctx.tenantId)
        .where('id', '=', repositoryId)
        .executeTakeFirst(),
    );
    if (!repository) return { skipped: 'the repository is gone' };
    try {
      if (repository.provider !== 'github') {
        throw new GitHubError(
          `Sync from the API needs a GitHub repository (this one is ${repository.provider}); upload a git log instead.`,
        );
      }
      const token = repository.github_token
        ? await openGithubToken(ctx, repositoryId, repository.github_token)
        : undefined;
      const since = repository.last_synced_at
        ? new Date(repository.last_synced_at.getTime() - OVERLAP_MS)
        : null;
      const fetched = await fetchGitHubCommits({
        baseUrl: ctx.config.GITHUB_API_URL,
        fullName: repository.full_name,
        branch: repository.default_branch,
        since,
        token,
      });
      return { started, ...fetched };
    } catch (error) {
      // TypeError: fetch's network failure. Recorded rather than retried at once.
      if (!(error instanceof GitHubError) && !(error instanceof TypeError)) throw error;
      return { started, error: error.message };
    }
  },
  run: async (ctx, { repositoryId, syncEventId }, trx, fetched) => {
    if ('skipped' in fetched) return fetched;
    if ('error' in fetched) {
      await finishSyncEvent(trx, ctx.tenantId, syncEventId, fetched.started, {
        error: fetched.error,
      });
      return { failed: fetched.error };
    }
    const written = await upsertCommits(trx, ctx.tenantId, repositoryId, fetched.commits, 'sync');
    await finishSyncEvent(trx, ctx.tenantId, syncEventId, fetched.started, {
      fetched: fetched.commits.length,
      pages: fetched.pages,
      written,
    });
    await trx
      .updateTable('repositories')
      .set({ last_synced_at: new Date(fetched.started) })
      .where('tenant_id', '=', ctx.tenantId)
      .where('id', '=', repositoryId)
      .execute();
    return { fetched: fetched.commits.length, ...written };
  },
});

/**
 * Records a GitHub sync as running and queues its job (in the caller's transaction, so
 * both or neither exist). A scheduled sync is skipped while one of the last hour still runs.
 */
export async function queueGitHubSync(
  trx: Trx,
  dispatcher: Dispatcher,
  tenantId: string,
  repositoryId: string,
  trigger: 'manual' | 'scheduled',
  createdBy?: string,
) {
  if (trigger === 'scheduled') {
    const running = await trx
      .selectFrom('sync_events')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('repository_id', '=', repositoryId)
      .where('status', '=', 'running')
      .where('started_at', '>', new Date(Date.now() - 60 * 60 * 1000))
      .executeTakeFirst();
    if (running) return undefined;
  }
  const event = await insertSyncEvent(trx, tenantId, repositoryId, trigger, 'github');
  await enqueueJob(
    trx,
    dispatcher,
    tenantId,
    syncJob,
    { repositoryId, syncEventId: event.id },
    createdBy ? { createdBy } : {},
  );
  return event;
}

/** The repository's sealed GitHub token; one that no longer opens must be given again. */
async function openGithubToken(ctx: JobContext, repositoryId: string, sealed: Buffer) {
  try {
    const box = await secretBoxFor(ctx.config);
    return box.open(sealed, githubTokenContext(ctx.tenantId, repositoryId));
  } catch {
    throw new GitHubError('The repository’s GitHub token cannot be read; set it again.');
  }
}
