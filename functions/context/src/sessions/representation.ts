import { changedColumns } from '@devctx/shared';
import { z } from 'zod';

export const sessionColumns = [
  'id',
  'tool',
  'model',
  'external_id',
  'project_id',
  'repository_id',
  'user_id',
  'git_branch',
  'working_dir',
  'title',
  'started_at',
  'ended_at',
  'created_at',
  'updated_at',
] as const;

export const sessionSchema = z.object({
  id: z.uuid(),
  tool: z.string().describe('e.g. claude-code'),
  model: z.string().nullable(),
  externalId: z.string().nullable().describe('The tool’s own session id.'),
  projectId: z.uuid().nullable(),
  repositoryId: z
    .uuid()
    .nullable()
    .describe('Where the work happened: the session’s commits come from it.'),
  userId: z.uuid().nullable(),
  gitBranch: z.string().nullable(),
  workingDir: z.string().nullable(),
  title: z.string().nullable(),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  durationSeconds: z.number().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

type SessionRow = {
  id: string;
  tool: string;
  model: string | null;
  external_id: string | null;
  project_id: string | null;
  repository_id: string | null;
  user_id: string | null;
  git_branch: string | null;
  working_dir: string | null;
  title: string | null;
  started_at: Date;
  ended_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

export function toSessionView(row: SessionRow): z.infer<typeof sessionSchema> {
  return {
    id: row.id,
    tool: row.tool,
    model: row.model,
    externalId: row.external_id,
    projectId: row.project_id,
    repositoryId: row.repository_id,
    userId: row.user_id,
    gitBranch: row.git_branch,
    workingDir: row.working_dir,
    title: row.title,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at?.toISOString() ?? null,
    durationSeconds: row.ended_at
      ? Math.round((row.ended_at.getTime() - row.started_at.getTime()) / 1000)
      : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** API field names and the session columns they set. */
const columnOf = {
  model: 'model',
  projectId: 'project_id',
  repositoryId: 'repository_id',
  gitBranch: 'git_branch',
  workingDir: 'working_dir',
  title: 'title',
} as const;

/** The session columns a body sets: each field given, under its column name. */
export const sessionFieldColumns = (body: Partial<Record<keyof typeof columnOf, unknown>>) =>
  changedColumns(body, columnOf);
