import { actorOf, actorScope, defineRoute, notFound, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { nameSchema } from '../users/representation.ts';
import { findTenant, renameTenant } from './queries.ts';
import { tenantSchema, toTenantView } from './representation.ts';
import { tenantUsage, usageSchema } from './usage.ts';

const tags = ['tenant'];

export const tenantRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/tenant',
    summary: 'The caller’s tenant',
    tags,
    permission: 'tenant:read',
    responses: { 200: { description: 'The tenant', schema: tenantSchema } },
    handler: async (ctx) => {
      const actor = actorOf(ctx);
      const tenant = await withTenant(actorScope(ctx), (trx) => findTenant(trx, actor.tenantId));
      if (!tenant) throw notFound('tenant');
      return { body: toTenantView(tenant) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/tenant',
    summary: 'Rename the tenant',
    tags,
    permission: 'tenant:update',
    body: z.object({ name: nameSchema }),
    responses: { 200: { description: 'The tenant', schema: tenantSchema } },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const tenant = await withTenant(actorScope(ctx), (trx) =>
        renameTenant(trx, actor.tenantId, body.name),
      );
      if (!tenant) throw notFound('tenant');
      return { body: toTenantView(tenant) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/tenant/usage',
    summary: 'Usage against the tier’s limits',
    tags,
    permission: 'tenant:read',
    responses: { 200: { description: 'Usage and limits', schema: usageSchema } },
    handler: async (ctx) => ({
      body: await withTenant(actorScope(ctx), (trx) => tenantUsage(trx, actorOf(ctx).tenantId)),
    }),
  }),
];
