// What other families use of commits: writing them (imports) and showing them (sessions).
export { commitColumns, commitSchema, toCommitView } from './representation.ts';
export { type IncomingCommit, type UpsertResult, upsertCommits } from './upsert-commits.ts';
