import {
  AppError,
  actorOf,
  actorScope,
  etagOf,
  matchesEtag,
  type RequestContext,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findTaskList } from '../task-lists/queries.ts';
import { toTaskListView } from '../task-lists/representation.ts';
import { assertAssignable, assertSectionInList, lockTasksInList, updateTask } from './queries.ts';
import { taskPosition } from './representation.ts';

const operation = z.discriminatedUnion('op', [
  z.object({ op: z.literal('toggle'), taskId: z.uuid(), checked: z.boolean().optional() }),
  z.object({ op: z.literal('assign'), taskId: z.uuid(), userId: z.uuid().nullable() }),
  z.object({
    op: z.literal('move'),
    taskId: z.uuid(),
    position: taskPosition.optional(),
    sectionId: z.uuid().nullable().optional(),
  }),
]);
export const bulkBody = z.object({ operations: z.array(operation).min(1).max(500) });

/**
 * Many toggles, assignments and moves in one transaction: all of them happen, or — when
 * one names a task outside the list, an inactive user or an unknown section — none does,
 * and the error names the offending operation.
 */
export async function bulkChangeTasks(
  ctx: RequestContext,
  taskListId: string,
  body: z.infer<typeof bulkBody>,
  ifMatch?: string,
) {
  const tenantId = actorOf(ctx).tenantId;
  return withTenant(actorScope(ctx), async (trx) => {
    await findTaskList(trx, tenantId, taskListId, true);
    const ids = [...new Set(body.operations.map((o) => o.taskId))];
    // Locked in a fixed order, so two bulk requests over the same tasks cannot deadlock.
    const rows = await lockTasksInList(trx, tenantId, taskListId, ids);
    // The pipeline checked If-Match under the list's lock, but a toggle of one of these
    // tasks takes only the task's: checked again now that the tasks are held, so no
    // change to them slips in between the check and these writes.
    if (ifMatch !== undefined) {
      const list = toTaskListView(await findTaskList(trx, tenantId, taskListId));
      if (!matchesEtag(ifMatch, etagOf(JSON.stringify(list)), 'strong'))
        throw new AppError(
          'precondition_failed',
          'The list or its tasks changed since you read it.',
        );
    }
    const checked = new Map(rows.map((r) => [r.id, r.checked]));
    let applied = 0;
    for (const [index, op] of body.operations.entries()) {
      const path = `body.operations.${index}`;
      if (!checked.has(op.taskId)) {
        throw new AppError(
          'validation_failed',
          `Operation ${index}: the task is not in this list.`,
          {
            fieldErrors: [{ path: `${path}.taskId`, message: 'not a task of this list' }],
          },
        );
      }
      if (op.op === 'toggle') {
        const value = op.checked ?? !checked.get(op.taskId);
        checked.set(op.taskId, value);
        await updateTask(trx, tenantId, op.taskId, { checked: value });
      } else if (op.op === 'assign') {
        await assertAssignable(trx, tenantId, op.userId, `${path}.userId`);
        await updateTask(trx, tenantId, op.taskId, { assignee_id: op.userId });
      } else {
        if (op.position === undefined && op.sectionId === undefined) {
          throw new AppError(
            'validation_failed',
            `Operation ${index}: a move names a position, a section, or both.`,
            { fieldErrors: [{ path, message: 'nothing to move to' }] },
          );
        }
        await assertSectionInList(trx, tenantId, taskListId, op.sectionId, `${path}.sectionId`);
        await updateTask(trx, tenantId, op.taskId, {
          ...(op.position !== undefined ? { position: op.position } : {}),
          ...(op.sectionId !== undefined ? { section_id: op.sectionId } : {}),
        });
      }
      applied++;
    }
    return { applied };
  });
}
