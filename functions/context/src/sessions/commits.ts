import { commitColumns, commitSchema, toCommitView } from '@devctx/repositories/commits';
import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

/** Commits made shortly after the assistant's last message still belong to the session. */
const AFTER_END_MS = 15 * 60 * 1000;
const MAX_COMMITS = 500;
const LAST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

export const sessionCommitsSchema = z.object({
  window: z.object({
    from: z.iso.datetime(),
    to: z.iso.datetime().describe('The session’s end (or last message) plus 15 minutes.'),
  }),
  repositoryIds: z
    .array(z.uuid())
    .describe('The session’s repository, else the repositories of its project.'),
  commits: z.array(commitSchema),
  tasks: z.array(
    z.object({
      taskId: z.uuid(),
      title: z.string(),
      checked: z.boolean(),
      closedBy: z.array(z.string()).describe('Shas of the session’s commits that closed it.'),
      referencedBy: z.array(z.string()),
    }),
  ),
});

type SessionRow = {
  id: string;
  project_id: string | null;
  repository_id: string | null;
  started_at: Date;
  ended_at: Date | null;
};

/**
 * Where and when a session's commits are looked for: its repository (else its project's
 * repositories), from its start to its end — the last message when it was never ended.
 */
async function commitScope(trx: Trx, tenantId: string, session: SessionRow) {
  const lastMessage = await sql<{ at: Date | null }>`
    select max(coalesce(occurred_at, created_at)) as at
      from messages where tenant_id = ${tenantId} and session_id = ${session.id}`.execute(trx);
  const end = session.ended_at ?? lastMessage.rows[0]?.at ?? session.started_at;
  // Never past the last instant the API takes (a session ending in 9999 would give 10000).
  const to = new Date(
    Math.min(Math.max(end.getTime(), session.started_at.getTime()) + AFTER_END_MS, LAST_INSTANT),
  );
  let repositories = trx.selectFrom('repositories').select('id').where('tenant_id', '=', tenantId);
  if (session.repository_id) repositories = repositories.where('id', '=', session.repository_id);
  else if (session.project_id)
    repositories = repositories.where('project_id', '=', session.project_id);
  const repositoryIds =
    session.repository_id || session.project_id
      ? (await repositories.execute()).map((r) => r.id)
      : [];
  return { from: session.started_at, to, repositoryIds };
}

type CommitScope = Awaited<ReturnType<typeof commitScope>>;

const commitsIn = (trx: Trx, tenantId: string, scope: CommitScope) =>
  trx
    .selectFrom('commits')
    .where('tenant_id', '=', tenantId)
    .where('repository_id', 'in', scope.repositoryIds)
    .where('committed_at', '>=', scope.from)
    .where('committed_at', '<=', scope.to);

/** How many commits a session has (its statistics), without reading them. */
export async function countSessionCommits(trx: Trx, tenantId: string, session: SessionRow) {
  const scope = await commitScope(trx, tenantId, session);
  if (scope.repositoryIds.length === 0) return 0;
  const row = await commitsIn(trx, tenantId, scope)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The commits made during a session (see commitScope), and the tasks they touched. */
export async function sessionCommits(
  trx: Trx,
  tenantId: string,
  session: SessionRow,
): Promise<z.infer<typeof sessionCommitsSchema>> {
  const scope = await commitScope(trx, tenantId, session);
  const window = { from: scope.from.toISOString(), to: scope.to.toISOString() };
  const { repositoryIds } = scope;
  if (repositoryIds.length === 0) return { window, repositoryIds, commits: [], tasks: [] };

  const commits = await commitsIn(trx, tenantId, scope)
    .select(commitColumns)
    .orderBy('committed_at')
    .orderBy('sha')
    .limit(MAX_COMMITS)
    .execute();
  const tasks =
    commits.length === 0
      ? []
      : await trx
          .selectFrom('commit_tasks as ct')
          .innerJoin('tasks as t', (j) =>
            j.onRef('t.tenant_id', '=', 'ct.tenant_id').onRef('t.id', '=', 'ct.task_id'),
          )
          .select(['ct.task_id', 't.title', 't.checked', 'ct.sha', 'ct.closes'])
          .where('ct.tenant_id', '=', tenantId)
          .where('ct.repository_id', 'in', repositoryIds)
          .where(
            'ct.sha',
            'in',
            commits.map((c) => c.sha),
          )
          .execute();
  const byTask = new Map<string, z.infer<typeof sessionCommitsSchema>['tasks'][number]>();
  for (const link of tasks) {
    const entry = byTask.get(link.task_id) ?? {
      taskId: link.task_id,
      title: link.title,
      checked: link.checked,
      closedBy: [],
      referencedBy: [],
    };
    (link.closes ? entry.closedBy : entry.referencedBy).push(link.sha);
    byTask.set(link.task_id, entry);
  }
  return {
    window,
    repositoryIds,
    commits: commits.map(toCommitView),
    tasks: [...byTask.values()],
  };
}
