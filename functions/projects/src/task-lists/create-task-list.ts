import type { Trx } from '@devctx/shared';
import { importMarkdown } from './import-markdown.ts';
import { insertTaskList, setImportReport } from './queries.ts';

/**
 * A new task list, empty or filled from a markdown checkbox list; the import's report
 * (what it made, what it skipped) is kept on the list.
 */
export async function createTaskList(
  trx: Trx,
  tenantId: string,
  projectId: string,
  input: { name: string; description: string; markdown?: string | undefined },
) {
  const created = await insertTaskList(trx, tenantId, projectId, input);
  if (input.markdown === undefined) return created;
  const report = await importMarkdown(trx, tenantId, created.id, input.markdown);
  return setImportReport(trx, tenantId, created.id, report);
}
