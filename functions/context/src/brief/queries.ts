import { isBlocked } from '@devctx/projects/tasks';
import { notFound, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { remoteOf } from './repository-name.ts';

/** The repository a brief is for: by id, or by the name its git remote gives. */
export async function findBriefRepository(
  trx: Trx,
  tenantId: string,
  by: { repositoryId?: string | undefined; repository?: string | undefined },
) {
  const row = by.repositoryId
    ? await repositoryQuery(trx, tenantId).where('id', '=', by.repositoryId).executeTakeFirst()
    : await repositoryNamedBy(trx, tenantId, by.repository ?? '');
  if (!row) throw notFound('repository');
  return row;
}

/**
 * The tenant's repository a git remote (or `owner/name`) names, if it has one: the oldest
 * of that name, and never one at another provider.
 */
export async function repositoryNamedBy(trx: Trx, tenantId: string, remoteText: string) {
  const remote = remoteOf(remoteText);
  if (!remote) return undefined;
  let query = repositoryQuery(trx, tenantId).where(sql`lower(full_name)`, '=', remote.name);
  // A remote on gitlab.com is not the GitHub repository of the same name.
  if (remote.provider) query = query.where('provider', '=', remote.provider);
  return query.orderBy('created_at').executeTakeFirst();
}

const repositoryQuery = (trx: Trx, tenantId: string) =>
  trx
    .selectFrom('repositories')
    .select(['id', 'full_name', 'default_branch', 'project_id'])
    .where('tenant_id', '=', tenantId);

/**
 * The latest sessions in the repository, those on `branch` first: two reads, each straight
 * from an index in its order (migration 0025), however many sessions the repository has.
 */
export async function recentSessions(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  branch: string | undefined,
  limit: number,
) {
  const latest = (onBranch: boolean) => {
    let query = trx
      .selectFrom('ai_sessions as s')
      .leftJoin('users as u', (j) =>
        j.onRef('u.tenant_id', '=', 's.tenant_id').onRef('u.id', '=', 's.user_id'),
      )
      .select([
        's.id',
        's.title',
        's.git_branch',
        's.working_dir',
        's.user_id',
        'u.name as user_name',
        's.started_at',
        's.ended_at',
      ])
      .where('s.tenant_id', '=', tenantId)
      .where('s.repository_id', '=', repositoryId);
    if (branch !== undefined) {
      query = onBranch
        ? query.where('s.git_branch', '=', branch)
        : query.where(sql<boolean>`s.git_branch is distinct from ${branch}`);
    }
    return query.orderBy('s.started_at', 'desc').orderBy('s.id', 'desc').limit(limit).execute();
  };
  const first = branch === undefined ? [] : await latest(true);
  const rest = first.length < limit ? await latest(false) : [];
  return [...first, ...rest].slice(0, limit);
}

/** Per session, its most referenced files and its commands (session_terms, kept at ingest). */
export async function sessionTerms(
  trx: Trx,
  tenantId: string,
  sessionIds: string[],
  perSession: number,
) {
  if (sessionIds.length === 0) return [];
  const { rows } = await sql<{ session_id: string; kind: 'file' | 'command'; term: string }>`
    select session_id, kind, term from (
      select session_id, kind, term,
             row_number() over (partition by session_id, kind order by occurrences desc, term) as n
        from session_terms
       where tenant_id = ${tenantId} and session_id = any (${sessionIds}::uuid[])
         and kind in ('file', 'command')) t
     where n <= ${perSession}
     order by session_id, kind, n`.execute(trx);
  return rows;
}

/** Open tasks of the repository's project: the caller's first, then blocked, then by position. */
export function openTasks(
  trx: Trx,
  tenantId: string,
  projectId: string,
  userId: string,
  limit: number,
) {
  return trx
    .selectFrom('tasks as t')
    .innerJoin('task_lists as l', (j) =>
      j.onRef('l.tenant_id', '=', 't.tenant_id').onRef('l.id', '=', 't.task_list_id'),
    )
    .select((eb) => [
      't.id',
      't.title',
      't.status',
      't.assignee_id',
      't.task_list_id',
      'l.name as list_name',
      isBlocked(eb).as('blocked'),
    ])
    .where('t.tenant_id', '=', tenantId)
    .where('l.project_id', '=', projectId)
    .where('t.checked', '=', false)
    .where('t.status', 'not in', ['completed', 'cancelled'])
    .orderBy(sql`(t.assignee_id is not distinct from ${userId})`, 'desc')
    .orderBy('blocked', 'desc')
    .orderBy('l.name')
    .orderBy('t.position')
    .orderBy('t.id')
    .limit(limit)
    .execute();
}

/** Commits of the repository after an instant (the last session's start), newest first. */
export function commitsSince(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  since: Date | null,
  limit: number,
) {
  let query = trx
    .selectFrom('commits')
    .select(['sha', 'subject', 'author_name', 'committed_at'])
    .where('tenant_id', '=', tenantId)
    .where('repository_id', '=', repositoryId);
  if (since) query = query.where('committed_at', '>', since);
  return query.orderBy('committed_at', 'desc').orderBy('sha').limit(limit).execute();
}
