import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { findProject } from '../projects/queries.ts';
import { type Phase, phaseSchema, phasesOf } from './phases.ts';

const tags = ['plans'];
const planSchema = z.object({
  projectId: z.uuid(),
  version: z.number().int(),
  markdown: z.string(),
  phases: z
    .array(phaseSchema)
    .describe('From the "## " headings, with the checkbox goals under each.'),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
});
type PlanRow = {
  project_id: string;
  version: number;
  markdown: string;
  phases: unknown;
  created_by: string | null;
  created_at: Date;
};
const toPlanView = (p: PlanRow) => ({
  projectId: p.project_id,
  version: p.version,
  markdown: p.markdown,
  phases: p.phases as Phase[],
  createdBy: p.created_by,
  createdAt: p.created_at.toISOString(),
});
const planColumns = [
  'project_id',
  'version',
  'markdown',
  'phases',
  'created_by',
  'created_at',
] as const;

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
        return trx
          .selectFrom('project_plans')
          .select(planColumns)
          .where('tenant_id', '=', tenantId)
          .where('project_id', '=', params.id)
          .orderBy('version', 'desc')
          .execute();
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
      const plan = await withTenant(actorScope(ctx), async (trx) => {
        // The project row lock numbers concurrent saves one after the other.
        await findProject(trx, actor.tenantId, params.id, true);
        const last = await trx
          .selectFrom('project_plans')
          .select((eb) => eb.fn.max('version').as('version'))
          .where('tenant_id', '=', actor.tenantId)
          .where('project_id', '=', params.id)
          .executeTakeFirst();
        return trx
          .insertInto('project_plans')
          .values({
            tenant_id: actor.tenantId,
            project_id: params.id,
            version: (last?.version ?? 0) + 1,
            markdown: body.markdown,
            phases: JSON.stringify(phasesOf(body.markdown)),
            created_by: actor.userId,
          })
          .returning(planColumns)
          .executeTakeFirstOrThrow();
      });
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
        return trx
          .selectFrom('project_plans')
          .select(planColumns)
          .where('tenant_id', '=', tenantId)
          .where('project_id', '=', params.id)
          .where('version', '=', params.version)
          .executeTakeFirst();
      });
      if (!plan) throw notFound('plan version');
      return { body: toPlanView(plan) };
    },
  }),
];
