import type { Trx } from '@devctx/shared';
import { containsPattern } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

/** Filters every v1-style view takes: a project's sessions, and text in the name. */
export const insightsQuery = z.object({
  projectId: z.uuid().optional().describe('Only messages of this project’s sessions.'),
  q: z.string().trim().min(1).max(200).optional().describe('Text in the tag, path or command.'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type InsightsQuery = z.infer<typeof insightsQuery>;

export const tagCountSchema = z.object({
  tag: z.string(),
  messages: z.number().int(),
  sessions: z.number().int(),
});
export const fileCountSchema = z.object({
  path: z.string(),
  operations: z.array(z.string()),
  references: z.number().int(),
  sessions: z.number().int(),
  lastReferencedAt: z.iso.datetime().nullable(),
});
export const commandCountSchema = z.object({
  command: z.string(),
  runs: z.number().int(),
  sessions: z.number().int(),
  lastRunAt: z.iso.datetime().nullable(),
});

const contains = (q: string | undefined) => (q ? sql`and term ilike ${containsPattern(q)}` : sql``);
const ofProject = (tenantId: string, projectId: string | undefined) =>
  projectId
    ? sql`and session_id in (select id from ai_sessions where tenant_id = ${tenantId} and project_id = ${projectId})`
    : sql``;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/**
 * One kind of term (tags, files or commands) summed over the sessions that name it, most
 * named first. Reads session_terms, which ingest keeps: one row per session and term.
 */
async function termCounts(
  trx: Trx,
  tenantId: string,
  kind: 'tag' | 'file' | 'command',
  query: InsightsQuery,
) {
  const { rows } = await sql<{
    term: string;
    occurrences: number;
    sessions: number;
    operations: string;
    last: Date | null;
  }>`
    select term, sum(occurrences)::int as occurrences, count(*)::int as sessions,
           string_agg(array_to_string(operations, ','), ',') as operations, max(last_at) as last
      from session_terms
     where tenant_id = ${tenantId} and kind = ${kind}
           ${ofProject(tenantId, query.projectId)} ${contains(query.q)}
     group by term order by occurrences desc, term limit ${query.limit}`.execute(trx);
  // Operations come joined (array_agg cannot gather arrays of different lengths).
  return rows.map((r) => ({
    ...r,
    operations: [...new Set(r.operations.split(',').filter(Boolean))].sort(),
  }));
}

/** Tags (v1 topics) with how many messages and sessions carry them, most used first. */
export async function tagCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const rows = await termCounts(trx, tenantId, 'tag', query);
  return rows.map((r) => ({ tag: r.term, messages: r.occurrences, sessions: r.sessions }));
}

/** Files named in messages, most referenced first, with the operations done on them. */
export async function fileCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const rows = await termCounts(trx, tenantId, 'file', query);
  return rows.map((r) => ({
    path: r.term,
    operations: r.operations,
    references: r.occurrences,
    sessions: r.sessions,
    lastReferencedAt: iso(r.last),
  }));
}

/** Commands run in sessions, most run first. */
export async function commandCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const rows = await termCounts(trx, tenantId, 'command', query);
  return rows.map((r) => ({
    command: r.term,
    runs: r.occurrences,
    sessions: r.sessions,
    lastRunAt: iso(r.last),
  }));
}

export const overviewSchema = z.object({
  sessions: z.number().int(),
  messages: z.number().int(),
  commits: z.number().int(),
  repositories: z.number().int(),
  projects: z.number().int(),
  tasks: z.object({ open: z.number().int(), done: z.number().int() }),
  filesTouched: z.number().int().describe('Distinct file paths named in messages.'),
  recent: z
    .array(
      z.object({
        kind: z.enum(['session', 'commit']),
        id: z.string().describe('A session id, or a commit sha.'),
        repositoryId: z.uuid().nullable(),
        title: z.string(),
        at: z.iso.datetime(),
      }),
    )
    .describe('The 10 latest sessions and commits, newest first.'),
});

/** The counts of the dashboard's first page, in one statement, plus recent activity. */
export async function overview(
  trx: Trx,
  tenantId: string,
): Promise<z.infer<typeof overviewSchema>> {
  const counts = await sql<{
    sessions: number;
    messages: string;
    commits: number;
    repositories: number;
    projects: number;
    open: number;
    done: number;
    files: number;
  }>`
    select (select count(*) from ai_sessions where tenant_id = ${tenantId})::int as sessions,
           (select count(*) from messages where tenant_id = ${tenantId}) as messages,
           (select count(*) from commits where tenant_id = ${tenantId})::int as commits,
           (select count(*) from repositories where tenant_id = ${tenantId})::int as repositories,
           (select count(*) from projects where tenant_id = ${tenantId})::int as projects,
           t.open, t.done,
           (select count(distinct term) from session_terms
             where tenant_id = ${tenantId} and kind = 'file')::int as files
      from (select count(*) filter (where not checked)::int as open,
                   count(*) filter (where checked)::int as done
              from tasks where tenant_id = ${tenantId}) t`.execute(trx);
  const recent = await sql<{
    kind: 'session' | 'commit';
    id: string;
    repository_id: string | null;
    title: string;
    at: Date;
  }>`
    (select 'session' as kind, id::text, repository_id, coalesce(title, tool) as title, started_at as at
       from ai_sessions where tenant_id = ${tenantId} order by started_at desc limit 10)
    union all
    (select 'commit', sha, repository_id, subject, committed_at
       from commits where tenant_id = ${tenantId} order by committed_at desc limit 10)
    order by at desc limit 10`.execute(trx);
  const c = counts.rows[0] as (typeof counts.rows)[number];
  return {
    sessions: c.sessions,
    messages: Number(c.messages),
    commits: c.commits,
    repositories: c.repositories,
    projects: c.projects,
    tasks: { open: c.open, done: c.done },
    filesTouched: c.files,
    recent: recent.rows.map((r) => ({
      kind: r.kind,
      id: r.id,
      repositoryId: r.repository_id,
      title: r.title,
      at: r.at.toISOString(),
    })),
  };
}
