import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { findProject } from '../projects/queries.ts';
import { findPlanVersion, listPlans } from './queries.ts';
import { planSchema, toPlanView } from './representation.ts';
import { savePlan } from './save-plan.ts';

const tags = ['plans'];
const projectParams = z.object({ id: z.uuid() });

export const planRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/projects/{id}/plans',
    summary: 'Every version of the project plan, newest first',
    tags,
    permission: 'projects:read',
    params: projectParams,
    responses: {
      200: {
        description: 'The versions',
        schema: z.object({ items: z.array(planSchema), nextCursor: z.null() }),
      },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findProject(trx, tenantId, params.id);
        return listPlans(trx, tenantId, params.id);
      });
      return { body: { items: rows.map(toPlanView), nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/projects/{id}/plans',
    summary: 'Save the plan: a new version; the old ones stay readable',
    tags,
    permission: 'projects:write',
    params: projectParams,
    body: z.object({ markdown: z.string().min(1).max(1_000_000) }),
    bodyLimitBytes: 2 * 1024 * 1024,
    responses: {
      201: { description: 'The new version', schema: planSchema },
      404: { description: 'No such project' },
    },
    handler: async (ctx, { params, body }) => {
      const actor = actorOf(ctx);
      const plan = await withTenant(actorScope(ctx), (trx) =>
        savePlan(trx, actor.tenantId, params.id, actor.userId, body.markdown),
      );
      return { status: 201, body: toPlanView(plan) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/projects/{id}/plans/{version}',
    summary: 'One version of the project plan',
    tags,
    permission: 'projects:read',
    params: z.object({ id: z.uuid(), version: z.coerce.number().int().min(1) }),
    responses: {
      200: { description: 'The version', schema: planSchema },
      404: { description: 'No such project or version' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const plan = await withTenant(actorScope(ctx), async (trx) => {
        await findProject(trx, tenantId, params.id);
        return findPlanVersion(trx, tenantId, params.id, params.version);
      });
      if (!plan) throw notFound('plan version');
      return { body: toPlanView(plan) };
    },
  }),
];
