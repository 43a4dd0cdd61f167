import {
  AppError,
  actorOf,
  actorScope,
  defineRoute,
  notFound,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findUser } from '../me/queries.ts';
import { nameSchema } from '../users/representation.ts';
import { DELETION_DAYS, leaveQuery, restoreTenant, scheduleDeletion } from './leave.ts';
import { findTenant, updateTenant } from './queries.ts';
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
    summary: 'Rename the tenant, or change its rules',
    tags,
    permission: 'tenant:update',
    body: z
      .object({
        name: nameSchema.optional(),
        requireVerifiedEmail: z
          .boolean()
          .optional()
          .describe('Withhold write permissions from members until their address is verified.'),
      })
      .refine((b) => b.name !== undefined || b.requireVerifiedEmail !== undefined, {
        message: 'Give name or requireVerifiedEmail.',
      }),
    responses: { 200: { description: 'The tenant', schema: tenantSchema } },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const tenant = await withTenant(actorScope(ctx), async (trx) => {
        // The tenant's rules are its owners' (an admin renames it, no more).
        if (body.requireVerifiedEmail !== undefined && !actor.permissions.has('tenant:own'))
          throw new AppError('forbidden', 'Only an owner changes the tenant’s rules.');
        // Turning the rule on while unverified would take away the caller's own writes.
        if (
          body.requireVerifiedEmail &&
          !(await findUser(trx, actor.tenantId, actor.userId))?.email_verified_at
        )
          throw new AppError(
            'conflict',
            'Verify your own address first: the rule would hold back your writes too.',
          );
        const updated = await updateTenant(trx, actor.tenantId, {
          name: body.name,
          require_verified_email: body.requireVerifiedEmail,
        });
        if (body.requireVerifiedEmail !== undefined)
          await recordAudit(trx, ctx, actor.tenantId, {
            action: 'tenant.rule_changed',
            targetType: 'tenant',
            targetId: actor.tenantId,
            details: { requireVerifiedEmail: body.requireVerifiedEmail },
          });
        return updated;
      });
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
  defineRoute({
    method: 'DELETE',
    path: '/v1/tenant',
    summary: `Schedule the tenant's deletion in ${DELETION_DAYS} days (owners); read-only and restorable until then`,
    tags,
    permission: 'tenant:own',
    query: leaveQuery,
    responses: {
      202: { description: 'Scheduled: deletionDueAt says when', schema: tenantSchema },
      400: { description: 'confirm is not the tenant’s slug' },
    },
    handler: async (ctx, { query }) => ({
      status: 202,
      body: await scheduleDeletion(ctx, query.confirm),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/tenant/restore',
    summary: 'Undo a scheduled deletion (owners): the tenant is writable again',
    tags,
    permission: 'tenant:own',
    responses: {
      200: { description: 'Restored', schema: tenantSchema },
      409: { description: 'Not scheduled for deletion' },
    },
    handler: async (ctx) => ({ body: await restoreTenant(ctx) }),
  }),
];
