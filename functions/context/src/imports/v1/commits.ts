import { upsertCommits } from '@devctx/repositories/commits';
import { connectRepository } from '@devctx/repositories/connect-repository';
import { type JobContext, secretBoxFor, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
import type { V1Plan } from './plan.ts';

export interface V1CommitsOutcome {
  repositoryId: string | undefined;
  report: { repository: string | null; commits: number; inserted: number; skipped?: string };
}

/**
 * Writes the export's commits (git-commits.json) to the repository its github_url names,
 * connecting that repository when the tenant has none by that name (its webhook secret is
 * generated and sealed as on any connect; rotate it to see one). Idempotent: a second
 * import finds the repository and every commit already there.
 */
export async function importV1Commits(
  trx: Trx,
  ctx: JobContext,
  upload: { project_id: string | null },
  plan: Pick<V1Plan, 'commits' | 'repositoryUrl'>,
): Promise<V1CommitsOutcome> {
  const fullName = fullNameOf(plan.repositoryUrl);
  const report = { repository: fullName, commits: plan.commits.length, inserted: 0 };
  if (plan.commits.length === 0 || !fullName) return { repositoryId: undefined, report };

  const provider = plan.repositoryUrl?.includes('github.com') ? 'github' : 'generic';
  let repository: { id: string } | undefined = await trx
    .selectFrom('repositories')
    .select('id')
    .where('tenant_id', '=', ctx.tenantId)
    .where('provider', '=', provider)
    .where(sql`lower(full_name)`, '=', fullName.toLowerCase())
    .executeTakeFirst();
  if (!repository) {
    const box = await secretBoxFor(ctx.config);
    // A savepoint: the tier may allow no more repositories, which must not undo the import.
    await sql`savepoint v1_repository`.execute(trx);
    try {
      const connected = await connectRepository(trx, box, ctx.tenantId, {
        provider,
        fullName,
        url: plan.repositoryUrl,
        projectId: upload.project_id,
      });
      repository = connected.repository;
      await sql`release savepoint v1_repository`.execute(trx);
    } catch (error) {
      if ((error as { code?: string }).code !== 'DC001') throw error;
      await sql`rollback to savepoint v1_repository`.execute(trx);
      return {
        repositoryId: undefined,
        report: { ...report, skipped: 'the tier allows no more repositories' },
      };
    }
  }
  const written = await upsertCommits(
    trx,
    ctx.tenantId,
    repository.id,
    plan.commits
      .map((c) => ({
        sha: c.hash,
        message: c.body ? `${c.subject ?? ''}\n\n${c.body}` : (c.subject ?? ''),
        authorName: c.author ?? null,
        authorEmail: c.email ?? null,
        committedAt: c.date ?? new Date(0).toISOString(),
        url: c.github_url ?? null,
      }))
      .filter(
        (c) => /^[0-9a-f]{40}$/i.test(c.sha) && !Number.isNaN(Date.parse(String(c.committedAt))),
      ),
    'v1-import',
  );
  return { repositoryId: repository.id, report: { ...report, inserted: written.inserted } };
}

/** owner/name from https://github.com/owner/name(.git). */
function fullNameOf(url: string | null): string | null {
  if (!url) return null;
  const match = /^https?:\/\/[^/]+\/([^/\s]+\/[^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match?.[1] ?? null;
}
