import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

export const projectCommitsSchema = z.object({
  repositories: z.number().int(),
  total: z.number().int().describe('Commits in the project’s repositories.'),
  last30Days: z.number().int(),
  byType: z
    .record(z.string(), z.number().int())
    .describe('Conventional-commit types; "other" for the rest.'),
  authors: z.number().int(),
  lastCommitAt: z.iso.datetime().nullable(),
  tasksClosedByCommits: z.number().int(),
});

/** Commit counts over the repositories linked to a project. */
export async function projectCommits(trx: Trx, tenantId: string, projectId: string) {
  const { rows } = await sql<{
    type: string;
    n: number;
    recent: number;
    authors: string[];
    last_at: Date | null;
  }>`
    select coalesce(c.type, 'other') as type, count(*)::int as n,
           count(*) filter (where c.committed_at > now() - interval '30 days')::int as recent,
           array_agg(distinct lower(c.author_email)) filter (where c.author_email is not null) as authors,
           max(c.committed_at) as last_at
      from commits c
      join repositories r on r.tenant_id = c.tenant_id and r.id = c.repository_id
     where c.tenant_id = ${tenantId} and r.project_id = ${projectId}
     group by 1`.execute(trx);
  const counts = await sql<{ repositories: number; closed: number }>`
    select (select count(*)::int from repositories where tenant_id = ${tenantId} and project_id = ${projectId}) as repositories,
           (select count(distinct ct.task_id)::int from commit_tasks ct
              join repositories r on r.tenant_id = ct.tenant_id and r.id = ct.repository_id
             where ct.tenant_id = ${tenantId} and r.project_id = ${projectId} and ct.closes) as closed`.execute(
    trx,
  );
  const authors = new Set(rows.flatMap((r) => r.authors ?? []));
  const last = rows.reduce<Date | null>(
    (max, r) => (r.last_at && (!max || r.last_at > max) ? r.last_at : max),
    null,
  );
  return {
    repositories: counts.rows[0]?.repositories ?? 0,
    total: rows.reduce((sum, r) => sum + r.n, 0),
    last30Days: rows.reduce((sum, r) => sum + r.recent, 0),
    byType: Object.fromEntries(rows.map((r) => [r.type, r.n])),
    authors: authors.size,
    lastCommitAt: last?.toISOString() ?? null,
    tasksClosedByCommits: counts.rows[0]?.closed ?? 0,
  };
}
