import { randomUUID } from 'node:crypto';
import type { Trx } from '@devctx/shared';
import { parseTaskListMarkdown, type SkippedLine } from './markdown.ts';

export interface ImportReport {
  sections: number;
  tasks: number;
  dependencies: number;
  skipped: SkippedLine[];
  unresolvedDependencies: string[];
  /** Section dependencies left out because they would close a cycle. */
  cyclicDependencies: string[];
}

const CHUNK = 1000;

/**
 * Writes a parsed markdown list into a task list (in the caller's transaction). Ids are
 * made here so parents, sections and dependencies can be inserted in bulk, in order.
 * A section's Dependencies line makes each of its top-level tasks depend on each
 * top-level task of the named section.
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

  // Section dependencies, resolved by number (the last section with that number wins),
  // keeping the section graph acyclic.
  const byNumber = new Map(
    parsed.sections.filter((s) => s.number).map((s) => [s.number as string, s.key]),
  );
  const topLevel = (sectionKey: number) =>
    parsed.tasks.filter((t) => t.sectionKey === sectionKey && t.parentKey === null);
  const edges = new Map<number, Set<number>>();
  const reaches = (from: number, to: number): boolean => {
    const queue = [from];
    const seen = new Set(queue);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      if (next === to) return true;
      for (const after of edges.get(next) ?? []) {
        if (!seen.has(after)) {
          seen.add(after);
          queue.push(after);
        }
      }
    }
    return false;
  };
  const cyclicDependencies: string[] = [];
  const rows: { tenant_id: string; task_id: string; depends_on_id: string }[] = [];
  for (const section of parsed.sections) {
    for (const number of section.dependsOn) {
      const target = byNumber.get(number);
      if (target === undefined) continue;
      if (reaches(target, section.key)) {
        cyclicDependencies.push(`${section.number ?? section.title} -> ${number}`);
        continue;
      }
      edges.set(section.key, (edges.get(section.key) ?? new Set()).add(target));
      for (const task of topLevel(section.key)) {
        for (const dependency of topLevel(target)) {
          rows.push({
            tenant_id: tenantId,
            task_id: taskIds[task.key] as string,
            depends_on_id: taskIds[dependency.key] as string,
          });
        }
      }
    }
  }
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
    cyclicDependencies,
  };
}
