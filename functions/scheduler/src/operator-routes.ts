import { changeTier } from '@devctx/identity/operator';
import { type AnyRoute, defineRoute } from '@devctx/shared';
import { z } from 'zod';

/**
 * What the platform operator does to a tenant, never the tenant itself: on the private
 * scheduler function, behind Cloud Run's IAM and the same caller check as the scheduled
 * jobs. Self-hosters use `npm run tier` instead.
 */
export const operatorRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/operator/tenants/{slug}/tier',
    summary: 'Move a tenant to another tier (platform operator only)',
    tags: ['internal'],
    permission: null,
    caller: 'internal',
    rateLimit: false,
    params: z.object({ slug: z.string().max(63) }),
    body: z.object({ tier: z.enum(['free', 'pro', 'enterprise']) }),
    responses: {
      200: { description: 'The tenant’s usage under the new tier' },
      401: { description: 'Not the operator' },
      404: { description: 'No such tenant' },
    },
    handler: async (ctx, { params, body }) => {
      return { body: await changeTier(ctx, params.slug, body.tier) };
    },
  }),
];
