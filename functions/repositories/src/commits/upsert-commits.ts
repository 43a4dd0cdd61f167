import type { CommitSource, Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { parseCommitMessage } from './commit-message.ts';

/** A commit as any source (webhook, GitHub API, git log, v1 export) describes it. */
export interface IncomingCommit {
  sha: string;
  message: string;
  authorName: string | null;
  authorEmail: string | null;
  committedAt: string | Date;
  url?: string | null;
  branch?: string | null;
  filesChanged?: number | null;
  insertions?: number | null;
  deletions?: number | null;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  linkedTasks: number;
  closedTasks: number;
}

/**
 * Writes commits idempotently: a new sha is inserted; a known one gains the branch and any
 * statistics it lacked, and is otherwise left as it was (so replays change nothing). Task
 * references in the message link the task; a closing keyword checks it (once).
 */
export async function upsertCommits(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  commits: IncomingCommit[],
  source: CommitSource,
): Promise<UpsertResult> {
  const result: UpsertResult = { inserted: 0, updated: 0, linkedTasks: 0, closedTasks: 0 };
  const unique = new Map(commits.map((c) => [c.sha.toLowerCase(), c]));
  if (unique.size === 0) return result;
  const rows = [...unique].map(([sha, c]) => {
    const parsed = parseCommitMessage(c.message);
    return {
      sha,
      author_name: c.authorName?.slice(0, 500) ?? null,
      author_email: c.authorEmail?.slice(0, 500) ?? null,
      committed_at: new Date(c.committedAt).toISOString(),
      subject: parsed.subject.slice(0, 2000),
      body: parsed.body.slice(0, 100_000),
      type: parsed.type?.slice(0, 50) ?? null,
      scope: parsed.scope?.slice(0, 200) ?? null,
      breaking: parsed.breaking,
      files_changed: c.filesChanged ?? null,
      insertions: c.insertions ?? null,
      deletions: c.deletions ?? null,
      url: c.url ?? null,
      branches: c.branch ? [c.branch] : [],
      tasks: parsed.tasks,
    };
  });

  // xmax = 0 tells an inserted row from an updated one.
  const written = await sql<{ sha: string; inserted: boolean }>`
    insert into commits as c (tenant_id, repository_id, sha, author_name, author_email, committed_at,
                              subject, body, type, scope, breaking, files_changed, insertions,
                              deletions, url, branches, source)
    select ${tenantId}, ${repositoryId}, r.sha, r.author_name, r.author_email, r.committed_at,
           r.subject, r.body, r.type, r.scope, r.breaking, r.files_changed, r.insertions,
           r.deletions, r.url, r.branches, ${source}
      from json_to_recordset(${JSON.stringify(rows)}::json) as r (
             sha text, author_name text, author_email text, committed_at timestamptz,
             subject text, body text, type text, scope text, breaking boolean,
             files_changed integer, insertions integer, deletions integer, url text,
             branches text[])
    on conflict (tenant_id, repository_id, sha) do update
      set branches = array(select distinct b from unnest(c.branches || excluded.branches) b order by b),
          files_changed = coalesce(c.files_changed, excluded.files_changed),
          insertions = coalesce(c.insertions, excluded.insertions),
          deletions = coalesce(c.deletions, excluded.deletions),
          url = coalesce(c.url, excluded.url)
      where not (excluded.branches <@ c.branches)
         or (c.files_changed is null and excluded.files_changed is not null)
         or (c.url is null and excluded.url is not null)
    returning c.sha, (xmax = 0) as inserted`.execute(trx);
  for (const row of written.rows) {
    if (row.inserted) result.inserted++;
    else result.updated++;
  }

  const references = rows.flatMap((r) => r.tasks.map((t) => ({ sha: r.sha, ...t })));
  if (references.length > 0) {
    const linked = await linkTasks(trx, tenantId, repositoryId, references);
    result.linkedTasks = linked.linked;
    result.closedTasks = linked.closed;
  }
  return result;
}

/**
 * Links each referenced task (by id prefix, only when the prefix names exactly one task of
 * the tenant) and checks the ones a closing keyword names and that are still open.
 */
async function linkTasks(
  trx: Trx,
  tenantId: string,
  repositoryId: string,
  references: { sha: string; prefix: string; closes: boolean }[],
) {
  const links = await sql<{ task_id: string; closes: boolean }>`
    with refs as (
      select r.sha, r.prefix, r.closes,
             (rpad(r.prefix, 32, '0'))::uuid as low, (rpad(r.prefix, 32, 'f'))::uuid as high
        from json_to_recordset(${JSON.stringify(references)}::json) as r (sha text, prefix text, closes boolean)
    ),
    matched as (
      select refs.sha, refs.closes, min(t.id::text)::uuid as task_id
        from refs join tasks t on t.tenant_id = ${tenantId} and t.id between refs.low and refs.high
       group by refs.sha, refs.prefix, refs.closes
      having count(*) = 1
    )
    insert into commit_tasks (tenant_id, repository_id, sha, task_id, closes)
    select ${tenantId}, ${repositoryId}, sha, task_id, bool_or(closes)
      from matched group by sha, task_id
    on conflict (tenant_id, repository_id, sha, task_id) do nothing
    returning task_id, closes`.execute(trx);
  const toClose = links.rows.filter((l) => l.closes).map((l) => l.task_id);
  let closed = 0;
  if (toClose.length > 0) {
    const done = await trx
      .updateTable('tasks')
      .set({ checked: true })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', toClose)
      .where('checked', '=', false)
      .executeTakeFirst();
    closed = Number(done.numUpdatedRows);
  }
  return { linked: links.rows.length, closed };
}
