import { randomUUID } from 'node:crypto';
import type { Trx } from '@devctx/shared';
import { parseTaskListMarkdown, type SkippedLine } from './markdown.ts';
import { resolveSectionDependencies } from './section-dependencies.ts';

export interface ImportReport {
  sections: number;
  tasks: number;
  dependencies: number;
  skipped: SkippedLine[];
  unresolvedDependencies: string[];
  /** Section dependencies left out because they would close a cycle. */
  cyclicDependencies: string[];
  /** Task dependencies left out to stay within the limits (a task waits for at most 100). */
  dependenciesOverLimit: number;
}

const CHUNK = 1000;

/**
 * Writes a parsed markdown list into a task list (in the caller's transaction). Ids are
 * made here so parents, sections and dependencies can be inserted in bulk, in order.
 * Section dependencies become task dependencies (section-dependencies.ts).
 */
export async function importMarkdown(
  trx: Trx,
  tenantId: string,
  taskListId: string,
  markdown: string,
): Promise<ImportReport> {
  const parsed = parseTaskListMarkdown(markdown);
  const sectionIds = parsed.sections.map(() => randomUUID());
  const taskIds = parsed.tasks.map(() => randomUUID());

  for (let i = 0; i < parsed.sections.length; i += CHUNK) {
    await trx
      .insertInto('task_sections')
      .values(
        parsed.sections.slice(i, i + CHUNK).map((s) => ({
          tenant_id: tenantId,
          id: sectionIds[s.key] as string,
          task_list_id: taskListId,
          number: s.number,
          title: s.title.slice(0, 500),
          level: s.level,
          position: s.key,
        })),
      )
      .execute();
  }
  for (let i = 0; i < parsed.tasks.length; i += CHUNK) {
    await trx
      .insertInto('tasks')
      .values(
        parsed.tasks.slice(i, i + CHUNK).map((t) => ({
          tenant_id: tenantId,
          id: taskIds[t.key] as string,
          task_list_id: taskListId,
          section_id: t.sectionKey === null ? null : (sectionIds[t.sectionKey] as string),
          parent_task_id: t.parentKey === null ? null : (taskIds[t.parentKey] as string),
          title: t.title.slice(0, 1000),
          checked: t.checked,
          position: (t.key + 1) * 1024,
          priority: null,
          assignee_id: null,
          due_date: null,
          estimate_hours: null,
        })),
      )
      .execute();
  }

  const dependencies = resolveSectionDependencies(parsed);
  const rows = dependencies.edges.map(([task, dependsOn]) => ({
    tenant_id: tenantId,
    task_id: taskIds[task] as string,
    depends_on_id: taskIds[dependsOn] as string,
  }));
  for (let i = 0; i < rows.length; i += CHUNK) {
    await trx
      .insertInto('task_dependencies')
      .values(rows.slice(i, i + CHUNK))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return {
    sections: parsed.sections.length,
    tasks: parsed.tasks.length,
    dependencies: rows.length,
    skipped: parsed.skipped,
    unresolvedDependencies: parsed.unresolvedDependencies,
    cyclicDependencies: dependencies.cyclic,
    dependenciesOverLimit: dependencies.overLimit,
  };
}
