import { notFound, type Trx } from '@devctx/shared';
import { taskListColumns } from './representation.ts';

/** The task list, or 404. */
export async function findTaskList(trx: Trx, tenantId: string, id: string) {
  const row = await trx
    .selectFrom('task_lists')
    .select(taskListColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('task list');
  return row;
}
