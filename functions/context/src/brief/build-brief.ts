import { actorOf, actorScope, type RequestContext, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { relativeTo } from '../sessions/file-paths.ts';
import {
  commitsSince,
  findBriefRepository,
  openTasks,
  recentSessions,
  sessionTerms,
} from './queries.ts';

/** What an assistant is told when it starts: small enough to read, newest and mine first. */
export const BRIEF_TEXT_BYTES = 4096;
const FILES_PER_SESSION = 8;
const COMMANDS_PER_SESSION = 5;
const TASKS = 10;
const COMMITS = 10;

export const briefQuery = z
  .object({
    repositoryId: z.uuid().optional(),
    repository: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .describe('The git remote URL a working copy reports, or owner/name.'),
    branch: z.string().min(1).max(255).optional().describe('Sessions on this branch come first.'),
    sessions: z.coerce.number().int().min(1).max(10).default(5),
  })
  .refine((q) => q.repositoryId || q.repository, {
    message: 'name the repository: repositoryId, or repository (its git remote or owner/name)',
    path: ['repository'],
  });

export const briefSchema = z.object({
  repository: z.object({
    id: z.uuid(),
    fullName: z.string(),
    defaultBranch: z.string(),
    projectId: z.uuid().nullable(),
  }),
  sessions: z.array(
    z.object({
      id: z.uuid(),
      title: z.string().nullable().describe('The transcript’s summary line, when it had one.'),
      gitBranch: z.string().nullable(),
      user: z.object({ id: z.uuid(), name: z.string() }).nullable(),
      startedAt: z.iso.datetime(),
      endedAt: z.iso.datetime().nullable(),
      files: z
        .array(z.string())
        .describe('The most referenced files, relative to the session’s working folder.'),
      commands: z.array(z.string()),
    }),
  ),
  tasks: z
    .array(
      z.object({
        id: z.uuid(),
        title: z.string(),
        status: z.string(),
        blocked: z.boolean(),
        mine: z.boolean(),
        taskListId: z.uuid(),
        listName: z.string(),
      }),
    )
    .nullable()
    .describe('Open tasks of the repository’s project, mine first; null without projects:read.'),
  commits: z
    .array(
      z.object({
        sha: z.string(),
        subject: z.string(),
        author: z.string().nullable(),
        committedAt: z.iso.datetime(),
      }),
    )
    .nullable()
    .describe(
      'Commits since the last session started, newest first; null without repositories:read.',
    ),
  text: z
    .string()
    .describe(
      `The brief as markdown for an assistant's context, at most ${BRIEF_TEXT_BYTES} bytes.`,
    ),
});
type Brief = z.infer<typeof briefSchema>;

export async function buildBrief(
  ctx: RequestContext,
  query: z.infer<typeof briefQuery>,
): Promise<Brief> {
  const actor = actorOf(ctx);
  const { tenantId, userId } = actor;
  return withTenant(actorScope(ctx), async (trx) => {
    const repository = await findBriefRepository(trx, tenantId, query);
    const sessions = await recentSessions(
      trx,
      tenantId,
      repository.id,
      query.branch,
      query.sessions,
    );
    const terms = await sessionTerms(
      trx,
      tenantId,
      sessions.map((s) => s.id),
      FILES_PER_SESSION,
    );
    const tasks =
      actor.permissions.has('projects:read') && repository.project_id
        ? await openTasks(trx, tenantId, repository.project_id, userId, TASKS)
        : null;
    const since = sessions.reduce<Date | null>(
      (a, s) => (a && a > s.started_at ? a : s.started_at),
      null,
    );
    const commits = actor.permissions.has('repositories:read')
      ? await commitsSince(trx, tenantId, repository.id, since, COMMITS)
      : null;
    const brief: Omit<Brief, 'text'> = {
      repository: {
        id: repository.id,
        fullName: repository.full_name,
        defaultBranch: repository.default_branch,
        projectId: repository.project_id,
      },
      sessions: sessions.map((s) => {
        const mine = terms.filter((t) => t.session_id === s.id);
        return {
          id: s.id,
          title: s.title,
          gitBranch: s.git_branch,
          user: s.user_id ? { id: s.user_id, name: s.user_name ?? '' } : null,
          startedAt: s.started_at.toISOString(),
          endedAt: s.ended_at?.toISOString() ?? null,
          files: mine
            .filter((t) => t.kind === 'file')
            .map((t) => relativeTo(s.working_dir, t.term)),
          commands: mine
            .filter((t) => t.kind === 'command')
            .slice(0, COMMANDS_PER_SESSION)
            .map((t) => t.term),
        };
      }),
      tasks:
        tasks?.map((t) => ({
          id: t.id,
          title: t.title,
          status: t.status,
          blocked: Boolean(t.blocked),
          mine: t.assignee_id === userId,
          taskListId: t.task_list_id,
          listName: t.list_name,
        })) ?? null,
      commits:
        commits?.map((c) => ({
          sha: c.sha,
          subject: c.subject,
          author: c.author_name,
          committedAt: c.committed_at.toISOString(),
        })) ?? null,
    };
    return { ...brief, text: briefText(brief) };
  });
}

/** One line of client text, shortened: the brief is read by a model, not a parser. */
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const short = (text: string, max = 120) => {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= max) return line;
  // Cut between whole characters as a reader sees them: never half an emoji (a lone
  // surrogate is not UTF-8) nor half of 👩‍💻.
  let kept = '';
  for (const { segment } of graphemes.segment(line)) {
    if (kept.length + segment.length > max - 1) break;
    kept += segment;
  }
  return `${kept}…`;
};

/**
 * The brief as markdown, most recent and most relevant first, cut at whole lines to
 * BRIEF_TEXT_BYTES: what does not fit is what matters least.
 */
export function briefText(brief: Omit<Brief, 'text'>): string {
  const lines = [`# Dev Context: ${brief.repository.fullName}`, '', '## Recent sessions'];
  if (brief.sessions.length === 0) lines.push('- none recorded yet');
  for (const s of brief.sessions) {
    const who = s.user ? ` by ${short(s.user.name, 60)}` : '';
    const branch = s.gitBranch ? ` on ${short(s.gitBranch, 60)}` : '';
    lines.push(
      `- ${s.startedAt.slice(0, 16).replace('T', ' ')} UTC${who}${branch}: ${short(s.title ?? 'untitled')} (session ${s.id})`,
    );
    if (s.files.length) lines.push(`  files: ${short(s.files.join(', '), 300)}`);
    if (s.commands.length) lines.push(`  commands: ${short(s.commands.join('; '), 200)}`);
  }
  if (brief.tasks) {
    lines.push('', '## Open tasks');
    if (brief.tasks.length === 0) lines.push('- none');
    for (const t of brief.tasks) {
      const marks = [t.mine ? 'mine' : '', t.blocked ? 'BLOCKED' : ''].filter(Boolean).join(', ');
      lines.push(`- [ ] ${short(t.title)}${marks ? ` (${marks})` : ''} (task ${t.id})`);
    }
  }
  if (brief.commits) {
    lines.push('', '## Commits since the last session');
    if (brief.commits.length === 0) lines.push('- none');
    for (const c of brief.commits) lines.push(`- ${c.sha.slice(0, 7)} ${short(c.subject)}`);
  }
  let text = '';
  for (const line of lines) {
    const next = `${text}${line}\n`;
    if (Buffer.byteLength(next) > BRIEF_TEXT_BYTES) break;
    text = next;
  }
  return text;
}
