import { type Cursor, newestFirst, type Trx } from '@devctx/shared';
import { commitColumns } from './representation.ts';

export interface CommitFilter {
  branch?: string | undefined;
  /** Author e-mail, exactly. */
  author?: string | undefined;
  type?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/** A repository's commits, newest first, after the cursor's. */
export function listCommits(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  filter: CommitFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('commits')
    .select(commitColumns)
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId);
  if (filter.branch) query = query.where('branches', '@>', [filter.branch]);
  if (filter.author) query = query.where('author_email', '=', filter.author);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.since) query = query.where('committed_at', '>=', new Date(filter.since));
  if (filter.until) query = query.where('committed_at', '<', new Date(filter.until));
  return newestFirst(query, { time: 'committed_at', key: 'sha' }, after, limit).execute();
}

/**
 * Up to two commits whose sha starts with the given (lowercase) prefix: one means the
 * prefix names a commit, two that it is ambiguous.
 */
export function commitsWithShaPrefix(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  prefix: string,
) {
  return trx
    .selectFrom('commits')
    .select(commitColumns)
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId)
    .where('sha', '>=', prefix)
    .where('sha', '<', `${prefix}g`)
    .limit(2)
    .execute();
}

/** The tasks a commit references, and whether it closes each. */
export function tasksOfCommit(trx: Trx, tenantId: string, repositoryId: string, sha: string) {
  return trx
    .selectFrom('commit_tasks as ct')
    .innerJoin('tasks as t', (j) =>
      j.onRef('t.tenant_id', '=', 'ct.tenant_id').onRef('t.id', '=', 'ct.task_id'),
    )
    .select(['ct.task_id', 't.title', 'ct.closes'])
    .where('ct.tenant_id', '=', tenantId)
    .where('ct.repository_id', '=', repositoryId)
    .where('ct.sha', '=', sha)
    .execute();
}
