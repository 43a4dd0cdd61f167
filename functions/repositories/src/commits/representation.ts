import type { CommitsTable } from '@devctx/shared';
import type { Selectable } from 'kysely';
import { z } from 'zod';

export const commitColumns = [
  'repository_id',
  'sha',
  'author_name',
  'author_email',
  'committed_at',
  'subject',
  'body',
  'type',
  'scope',
  'breaking',
  'files_changed',
  'insertions',
  'deletions',
  'url',
  'branches',
  'source',
] as const;

type Row = Pick<Selectable<CommitsTable>, (typeof commitColumns)[number]>;

export const commitSchema = z.object({
  repositoryId: z.uuid(),
  sha: z.string(),
  shortSha: z.string(),
  author: z.object({ name: z.string().nullable(), email: z.string().nullable() }),
  committedAt: z.iso.datetime(),
  subject: z.string(),
  body: z.string(),
  conventional: z.object({
    type: z.string().nullable().describe('feat, fix, docs, … from a Conventional Commits header'),
    scope: z.string().nullable(),
    breaking: z.boolean(),
  }),
  stats: z.object({
    filesChanged: z.number().int().nullable(),
    insertions: z.number().int().nullable(),
    deletions: z.number().int().nullable(),
  }),
  url: z.string().nullable(),
  branches: z.array(z.string()),
  source: z.enum(['webhook', 'sync', 'git-log', 'v1-import']),
});

export function toCommitView(row: Row): z.infer<typeof commitSchema> {
  return {
    repositoryId: row.repository_id,
    sha: row.sha,
    shortSha: row.sha.slice(0, 7),
    author: { name: row.author_name, email: row.author_email },
    committedAt: row.committed_at.toISOString(),
    subject: row.subject,
    body: row.body,
    conventional: { type: row.type, scope: row.scope, breaking: row.breaking },
    stats: {
      filesChanged: row.files_changed,
      insertions: row.insertions,
      deletions: row.deletions,
    },
    url: row.url,
    branches: row.branches,
    source: row.source,
  };
}
