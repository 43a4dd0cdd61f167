import { relativeTo } from '@devctx/context/file-paths';
import type { CallRoute, Permission, RequestContext } from '@devctx/shared';
import { z } from 'zod';

/**
 * The tools an assistant gets. Each is one or a few API routes called in process (so the
 * same permission, validation and tenant isolation as over HTTP), its answer cut to what a
 * model needs, with the ids the other tools take. A key sees only the tools its permissions
 * allow.
 */
export interface Tool {
  name: string;
  title: string;
  description: string;
  /** Listed only to a caller holding all of these. */
  permissions: Permission[];
  readOnly: boolean;
  input: z.ZodRawShape;
  run(ctx: RequestContext, call: CallRoute, args: Record<string, unknown>): Promise<unknown>;
}

const uuid = (what: string) => z.uuid().describe(what);
const limit = (max: number, fallback: number) =>
  z.number().int().min(1).max(max).default(fallback).describe(`How many (at most ${max}).`);
const cursor = z.string().max(400).optional().describe('nextCursor of the previous answer.');
/** The lists of a project list_tasks reads at most (each read is one API call). */
const MAX_LISTS = 50;
const taskStatus = z.enum(['pending', 'in_progress', 'completed', 'blocked', 'cancelled']);

type Page<T> = { items: T[]; nextCursor: string | null };
type Session = {
  id: string;
  title: string | null;
  tool: string;
  gitBranch: string | null;
  repositoryId: string | null;
  projectId: string | null;
  userId: string | null;
  startedAt: string;
  endedAt: string | null;
};
type Task = {
  id: string;
  taskListId: string;
  title: string;
  effectiveStatus: string;
  checked: boolean;
  blocked: boolean;
  assigneeId: string | null;
  priority: string | null;
  dueDate: string | null;
};

const sessionLine = (s: Session) => ({
  sessionId: s.id,
  title: s.title,
  branch: s.gitBranch,
  repositoryId: s.repositoryId,
  userId: s.userId,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
});
const taskLine = (t: Task) => ({
  taskId: t.id,
  title: t.title,
  status: t.effectiveStatus,
  checked: t.checked,
  blocked: t.blocked,
  assigneeId: t.assigneeId,
  priority: t.priority,
  dueDate: t.dueDate,
  taskListId: t.taskListId,
});

/**
 * A search snippet as plain text for a model: matches in **bold**, and the five characters
 * the API escapes (as &#NN;) back as themselves.
 */
const plainSnippet = (html: string) =>
  html
    .replaceAll('<mark>', '**')
    .replaceAll('</mark>', '**')
    .replace(/&#(34|38|39|60|62);/g, (_, code: string) => String.fromCharCode(Number(code)));

export const tools: Tool[] = [
  {
    name: 'context_brief',
    title: 'Brief for a repository',
    description:
      'Start here when you begin work in a repository: what the team last did there (recent sessions with their files and commands, your branch first), the open tasks of its project (yours first, blocked ones marked) and the commits since. Name the repository by the git remote URL of the working copy (`git remote get-url origin`), by owner/name, or by repositoryId.',
    permissions: ['sessions:read'],
    readOnly: true,
    input: {
      repository: z
        .string()
        .min(1)
        .max(500)
        .optional()
        .describe('The git remote URL, or owner/name.'),
      repositoryId: uuid('The repository’s id, instead of repository.').optional(),
      branch: z.string().min(1).max(255).optional().describe('The branch you are on.'),
    },
    run: async (ctx, call, args) => {
      const brief = await call<{
        text: string;
        repository: { id: string };
        sessions: { id: string }[];
        tasks: { id: string }[] | null;
      }>(ctx, 'GET', '/v1/context/brief', { query: args });
      const ids = {
        repositoryId: brief.repository.id,
        sessionIds: brief.sessions.map((s) => s.id),
        taskIds: brief.tasks?.map((t) => t.id) ?? [],
      };
      return `${brief.text}\n\nIds for the other tools: ${JSON.stringify(ids)}`;
    },
  },
  {
    name: 'search_context',
    title: 'Search the team’s sessions',
    description:
      'Full-text search over every message of the team’s AI sessions: earlier decisions, error messages, how something was done before. Words match stemmed; "a phrase" matches as a phrase; -word excludes; identifiers and paths (parseInvoice, src/app.ts) match as written. Returns snippets with their sessionId and messageId, best first; pass a sessionId to get_session for the whole picture.',
    permissions: ['sessions:read'],
    readOnly: true,
    input: {
      query: z.string().min(1).max(500).describe('What to look for.'),
      sessionId: uuid('Only in this session.').optional(),
      projectId: uuid('Only in sessions of this project.').optional(),
      role: z.enum(['user', 'assistant', 'system', 'tool']).optional(),
      since: z.string().max(40).optional().describe('RFC 3339 instant, e.g. 2026-11-01T00:00:00Z'),
      until: z.string().max(40).optional(),
      limit: limit(20, 10),
      cursor,
    },
    run: async (ctx, call, { query, ...rest }) => {
      const page = await call<
        Page<{
          messageId: string;
          sessionId: string;
          sessionTitle: string | null;
          role: string;
          occurredAt: string | null;
          snippet: string;
        }>
      >(ctx, 'GET', '/v1/search/messages', { query: { q: query, ...rest } });
      return {
        hits: page.items.map((hit) => ({
          sessionId: hit.sessionId,
          sessionTitle: hit.sessionTitle,
          messageId: hit.messageId,
          role: hit.role,
          at: hit.occurredAt,
          snippet: plainSnippet(hit.snippet),
        })),
        nextCursor: page.nextCursor,
      };
    },
  },
  {
    name: 'recent_sessions',
    title: 'Recent sessions',
    description:
      'The team’s latest AI sessions, newest first, optionally in one repository, project or by one person: title, branch, who, when. Use get_session on one for its files, commands and commits.',
    permissions: ['sessions:read'],
    readOnly: true,
    input: {
      repositoryId: uuid('Only sessions in this repository.').optional(),
      projectId: uuid('Only sessions of this project.').optional(),
      userId: uuid('Only this person’s sessions.').optional(),
      limit: limit(20, 10),
      cursor,
    },
    run: async (ctx, call, args) => {
      const page = await call<Page<Session>>(ctx, 'GET', '/v1/sessions', { query: args });
      return { sessions: page.items.map(sessionLine), nextCursor: page.nextCursor };
    },
  },
  {
    name: 'get_session',
    title: 'One session in full',
    description:
      'One AI session: its summary line, branch, who and when, message and token counts, the files it touched and commands it ran (most frequent first), and the commits made during it.',
    permissions: ['sessions:read'],
    readOnly: true,
    input: { sessionId: uuid('From recent_sessions, search_context or context_brief.') },
    run: async (ctx, call, { sessionId }) => {
      const params = { id: sessionId };
      const session = await call<Session & { model: string | null; workingDir: string | null }>(
        ctx,
        'GET',
        '/v1/sessions/{id}',
        { params },
      );
      const stats = await call<{
        messages: number;
        byRole: Record<string, number>;
        inputTokens: number;
        outputTokens: number;
        filesTouched: { path: string; operations: string[] }[];
        commands: string[];
        durationSeconds: number | null;
      }>(ctx, 'GET', '/v1/sessions/{id}/stats', { params });
      const commits = await call<{ commits: { shortSha: string; subject: string }[] }>(
        ctx,
        'GET',
        '/v1/sessions/{id}/commits',
        { params },
      );
      return {
        ...sessionLine(session),
        tool: session.tool,
        model: session.model,
        projectId: session.projectId,
        messages: stats.messages,
        byRole: stats.byRole,
        tokens: { input: stats.inputTokens, output: stats.outputTokens },
        durationSeconds: stats.durationSeconds,
        files: stats.filesTouched
          .slice(0, 30)
          .map((f) => `${relativeTo(session.workingDir, f.path)} (${f.operations.join(', ')})`),
        commands: stats.commands.slice(0, 15),
        commits: commits.commits.slice(0, 20).map((c) => `${c.shortSha} ${c.subject}`),
      };
    },
  },
  {
    name: 'list_tasks',
    title: 'Tasks',
    description:
      'Tasks of a task list, or of every list in a project: title, status (blocked when it waits on an unfinished dependency), checkbox, assignee. Filter by status, or to your own. Task ids go to update_task.',
    permissions: ['projects:read'],
    readOnly: true,
    input: {
      taskListId: uuid('A task list (from context_brief).').optional(),
      projectId: uuid('Every list of this project, instead of taskListId.').optional(),
      status: taskStatus.optional(),
      mine: z.boolean().optional().describe('Only tasks assigned to you.'),
      limit: limit(100, 50),
    },
    run: async (ctx, call, args) => {
      const { taskListId, projectId, status, mine } = args as {
        taskListId?: string;
        projectId?: string;
        status?: string;
        mine?: boolean;
      };
      const max = args.limit as number;
      if (!taskListId && !projectId) throw new ToolRefusal('Name a taskListId or a projectId.');
      const lists = taskListId
        ? { items: [{ id: taskListId }], nextCursor: null }
        : await call<Page<{ id: string }>>(ctx, 'GET', '/v1/projects/{id}/task-lists', {
            params: { id: projectId },
            query: { limit: MAX_LISTS },
          });
      const tasks: ReturnType<typeof taskLine>[] = [];
      // Whether every matching task is in the answer; if not, the model narrows the question.
      let complete = lists.nextCursor === null;
      for (const { id } of lists.items) {
        if (tasks.length >= max) {
          complete = false;
          break;
        }
        const page = await call<Page<Task>>(ctx, 'GET', '/v1/task-lists/{id}/tasks', {
          params: { id },
          query: {
            limit: max - tasks.length,
            ...(status ? { status } : {}),
            ...(mine ? { assigneeId: ctx.actor?.userId } : {}),
          },
        });
        tasks.push(...page.items.map(taskLine));
        if (page.nextCursor) complete = false;
      }
      return complete
        ? { tasks }
        : {
            tasks,
            complete: false,
            hint: 'More tasks match: ask for one taskListId, a status, or mine.',
          };
    },
  },
  {
    name: 'update_task',
    title: 'Update a task',
    description:
      'Record progress on a task: tick or untick its checkbox, set its status, and/or add a comment (say what was done and where, e.g. the commit). Give at least one of checked, status, comment.',
    permissions: ['projects:write'],
    readOnly: false,
    input: {
      taskId: uuid('From list_tasks or context_brief.'),
      checked: z.boolean().optional().describe('true ticks the checkbox, false unticks it.'),
      status: taskStatus.optional(),
      comment: z.string().min(1).max(20_000).optional(),
    },
    run: async (ctx, call, { taskId, checked, status, comment }) => {
      if (checked === undefined && status === undefined && comment === undefined)
        throw new ToolRefusal('Give at least one of checked, status, comment.');
      const params = { id: taskId };
      let task: Task | undefined;
      if (checked !== undefined)
        task = await call<Task>(ctx, 'POST', '/v1/tasks/{id}/toggle', {
          params,
          body: { checked },
        });
      if (status !== undefined)
        task = await call<Task>(ctx, 'PATCH', '/v1/tasks/{id}', { params, body: { status } });
      const added =
        comment === undefined
          ? undefined
          : await call<{ id: string }>(ctx, 'POST', '/v1/tasks/{id}/comments', {
              params,
              body: { body: comment },
            });
      return {
        ...(task ? { task: taskLine(task) } : { taskId }),
        ...(added ? { commentId: added.id } : {}),
      };
    },
  },
];

/** A tool call the model should make differently: its message is the tool's answer. */
export class ToolRefusal extends Error {}
