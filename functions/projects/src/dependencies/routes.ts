import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { lockTask, requireTask } from '../tasks/queries.ts';
import { addDependency } from './add-dependency.ts';
import { deleteDependency, listDependencies } from './queries.ts';

const tags = ['tasks'];
const dependencySchema = z.object({
  taskId: z.uuid(),
  dependsOnId: z.uuid(),
  dependsOnTitle: z.string(),
  dependsOnChecked: z.boolean(),
});

export const dependencyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tasks/{id}/dependencies',
    summary: 'The tasks this task waits for',
    tags,
    permission: 'projects:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: {
        description: 'Dependencies',
        schema: z.object({ items: z.array(dependencySchema), nextCursor: z.null() }),
      },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const items = await withTenant(actorScope(ctx), async (trx) => {
        await requireTask(trx, tenantId, params.id);
        return listDependencies(trx, tenantId, params.id);
      });
      return { body: { items, nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tasks/{id}/dependencies',
    summary: 'Make this task wait for another; a cycle is refused with its path',
    tags,
    permission: 'projects:write',
    params: z.object({ id: z.uuid() }),
    body: z.object({ dependsOnId: z.uuid() }),
    responses: {
      201: {
        description: 'Added',
        schema: z.object({ items: z.array(dependencySchema), nextCursor: z.null() }),
      },
      404: { description: 'No such task' },
      409: { description: 'It would close a cycle (the path is in detail)' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const items = await withTenant(actorScope(ctx), (trx) =>
        addDependency(trx, tenantId, params.id, body.dependsOnId),
      );
      return { status: 201, body: { items, nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/tasks/{id}/dependencies/{dependsOnId}',
    summary: 'Stop this task waiting for another',
    tags,
    permission: 'projects:write',
    params: z.object({ id: z.uuid(), dependsOnId: z.uuid() }),
    responses: {
      204: { description: 'Removed' },
      404: { description: 'No such task or dependency' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        await lockTask(trx, tenantId, params.id);
        const removed = await deleteDependency(trx, tenantId, params.id, params.dependsOnId);
        if (!removed) throw notFound('dependency');
      });
      return { status: 204 };
    },
  }),
];
