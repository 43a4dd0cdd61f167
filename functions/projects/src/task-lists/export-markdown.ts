import type { Trx } from '@devctx/shared';
import { renderTaskListMarkdown } from './markdown.ts';

/**
 * The list as markdown reflecting its current state. A section depends on another when
 * one of its tasks depends on one of the other's; it is written as that section's number.
 */
export async function exportMarkdown(
  trx: Trx,
  tenantId: string,
  taskList: { id: string; name: string },
): Promise<string> {
  const sections = await trx
    .selectFrom('task_sections')
    .select(['id', 'number', 'title', 'level'])
    .where('tenant_id', '=', tenantId)
    .where('task_list_id', '=', taskList.id)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const tasks = await trx
    .selectFrom('tasks')
    .select(['id', 'section_id', 'parent_task_id', 'title', 'checked'])
    .where('tenant_id', '=', tenantId)
    .where('task_list_id', '=', taskList.id)
    .orderBy('position')
    .orderBy('id')
    .execute();
  const edges = await trx
    .selectFrom('task_dependencies as d')
    .innerJoin('tasks as a', (j) =>
      j.onRef('a.tenant_id', '=', 'd.tenant_id').onRef('a.id', '=', 'd.task_id'),
    )
    .innerJoin('tasks as b', (j) =>
      j.onRef('b.tenant_id', '=', 'd.tenant_id').onRef('b.id', '=', 'd.depends_on_id'),
    )
    .select(['a.section_id as from', 'b.section_id as to'])
    .where('d.tenant_id', '=', tenantId)
    .where('a.task_list_id', '=', taskList.id)
    .where('b.task_list_id', '=', taskList.id)
    .distinct()
    .execute();
  const numberOf = new Map(sections.map((s) => [s.id, s.number]));
  // In document order, whatever order the database returns the edges in: same list, same bytes.
  const orderOf = new Map(sections.map((s, i) => [s.id, i]));
  return renderTaskListMarkdown(
    taskList.name,
    sections.map((s) => ({
      id: s.id,
      title: s.title,
      level: s.level,
      dependsOn: [
        ...new Set(
          edges
            .filter((e) => e.from === s.id && e.to && e.to !== s.id && numberOf.get(e.to))
            .map((e) => e.to as string)
            .sort((a, b) => (orderOf.get(a) ?? 0) - (orderOf.get(b) ?? 0))
            .map((to) => numberOf.get(to) as string),
        ),
      ],
    })),
    tasks.map((t) => ({
      id: t.id,
      sectionId: t.section_id,
      parentId: t.parent_task_id,
      title: t.title,
      checked: t.checked,
    })),
  );
}
