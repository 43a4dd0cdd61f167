import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';

export const sectionProgressSchema = z.object({
  id: z.uuid(),
  number: z.string().nullable().describe('e.g. "1.2" from a "## 1.2 Title" heading.'),
  title: z.string(),
  level: z.number().int().describe('The heading level, 1 to 6.'),
  total: z.number().int().describe('Tasks directly under this heading.'),
  completed: z.number().int(),
  percentComplete: z.number().describe('0 to 100, one decimal; 0 for a section without tasks.'),
});

/** The list's sections (phases) in order, each with its progress. */
export async function sectionProgress(trx: Trx, tenantId: string, taskListId: string) {
  const { rows } = await sql<{
    id: string;
    number: string | null;
    title: string;
    level: number;
    total: number;
    completed: number;
  }>`
    select s.id, s.number, s.title, s.level,
           count(t.id)::int as total, count(t.id) filter (where t.checked)::int as completed
      from task_sections s
      left join tasks t on t.tenant_id = s.tenant_id and t.section_id = s.id
     where s.tenant_id = ${tenantId} and s.task_list_id = ${taskListId}
     group by s.tenant_id, s.id order by s.position`.execute(trx);
  return rows.map((r) => ({
    ...r,
    percentComplete: r.total ? Math.round((r.completed / r.total) * 1000) / 10 : 0,
  }));
}
