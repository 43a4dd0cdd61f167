import { AppError, type Trx } from '@devctx/shared';
import { lockTask, requireTask } from '../tasks/queries.ts';
import {
  countDependencies,
  insertDependency,
  listDependencies,
  lockDependencies,
  MAX_DEPENDENCIES_PER_TASK,
  pathBetween,
} from './queries.ts';

/**
 * Makes a task wait for another (adding it twice changes nothing). A dependency that would
 * close a cycle is refused, with the cycle's path. Returns the task's dependencies.
 */
export async function addDependency(
  trx: Trx,
  tenantId: string,
  taskId: string,
  dependsOnId: string,
) {
  await lockDependencies(trx, tenantId);
  await lockTask(trx, tenantId, taskId);
  await requireTask(trx, tenantId, dependsOnId);
  if (dependsOnId === taskId) throw new AppError('conflict', 'A task cannot depend on itself.');
  if ((await countDependencies(trx, tenantId, taskId, dependsOnId)) >= MAX_DEPENDENCIES_PER_TASK) {
    throw new AppError(
      'conflict',
      `A task may wait for at most ${MAX_DEPENDENCIES_PER_TASK} others; remove one first.`,
    );
  }
  const cycle = await pathBetween(trx, tenantId, dependsOnId, taskId);
  if (cycle) {
    throw new AppError('conflict', `This would close a cycle: ${[taskId, ...cycle].join(' -> ')}.`);
  }
  await insertDependency(trx, tenantId, taskId, dependsOnId);
  return listDependencies(trx, tenantId, taskId);
}
