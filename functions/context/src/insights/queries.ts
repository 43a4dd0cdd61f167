import type { Trx } from '@devctx/shared';
import { containsPattern } from '@devctx/shared';
import { type RawBuilder, sql } from 'kysely';
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

const contains = (column: RawBuilder<unknown>, q: string | undefined) =>
  q ? sql`and ${column} ilike ${containsPattern(q)}` : sql``;
const ofProject = (tenantId: string, projectId: string | undefined) =>
  projectId
    ? sql`and m.session_id in (select id from ai_sessions where tenant_id = ${tenantId} and project_id = ${projectId})`
    : sql``;
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** Tags (v1 topics) with how many messages and sessions carry them, most used first. */
export async function tagCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const { rows } = await sql<z.infer<typeof tagCountSchema>>`
    select tag, count(*)::int as messages, count(distinct m.session_id)::int as sessions
      from messages m cross join unnest(m.tags) as tag
     where m.tenant_id = ${tenantId} ${ofProject(tenantId, query.projectId)} ${contains(sql`tag`, query.q)}
     group by tag order by messages desc, tag limit ${query.limit}`.execute(trx);
  return rows;
}

/** Files named in messages, most referenced first, with the operations done on them. */
export async function fileCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const { rows } = await sql<{
    path: string;
    operations: string[];
    references: number;
    sessions: number;
    last: Date | null;
  }>`
    select f->>'path' as path,
           array_remove(array_agg(distinct f->>'operation'), null) as operations,
           count(*)::int as "references", count(distinct m.session_id)::int as sessions,
           max(m.occurred_at) as last
      from messages m cross join jsonb_array_elements(m.file_references) f
     where m.tenant_id = ${tenantId} ${ofProject(tenantId, query.projectId)} ${contains(sql`f->>'path'`, query.q)}
     group by 1 order by "references" desc, path limit ${query.limit}`.execute(trx);
  return rows.map(({ last, ...r }) => ({ ...r, lastReferencedAt: iso(last) }));
}

/** Commands run in sessions, most run first. */
export async function commandCounts(trx: Trx, tenantId: string, query: InsightsQuery) {
  const { rows } = await sql<{
    command: string;
    runs: number;
    sessions: number;
    last: Date | null;
  }>`
    select command, count(*)::int as runs, count(distinct m.session_id)::int as sessions,
           max(m.occurred_at) as last
      from messages m cross join unnest(m.commands) as command
     where m.tenant_id = ${tenantId} ${ofProject(tenantId, query.projectId)} ${contains(sql`command`, query.q)}
     group by command order by runs desc, command limit ${query.limit}`.execute(trx);
  return rows.map(({ last, ...r }) => ({ ...r, lastRunAt: iso(last) }));
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
           (select count(distinct f->>'path') from messages m
              cross join jsonb_array_elements(m.file_references) f
             where m.tenant_id = ${tenantId})::int as files
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
