import { actorOf, actorScope, defineRoute, withTenant } from '@devctx/shared';
import { z } from 'zod';
import { assertUserExists } from '../users/queries.ts';
import { assignRole } from './assign-role.ts';
import { rolesHeldBy } from './queries.ts';
import { roleSchema, toRoleView } from './representation.ts';
import { revokeRole } from './revoke-role.ts';

const tags = ['roles'];
const rolesPage = z.object({ items: z.array(roleSchema), nextCursor: z.string().nullable() });

export const roleAssignmentRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/users/{id}/roles',
    summary: 'The roles a user holds',
    tags,
    permission: 'roles:read',
    params: z.object({ id: z.uuid() }),
    responses: {
      200: { description: 'Roles', schema: rolesPage },
      404: { description: 'No such user' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      const roles = await withTenant(actorScope(ctx), async (trx) => {
        await assertUserExists(trx, tenantId, params.id);
        return rolesHeldBy(trx, tenantId, params.id);
      });
      return { body: { items: roles.map(toRoleView), nextCursor: null } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/users/{id}/roles',
    summary: 'Give a user a role (only one whose permissions you hold)',
    tags,
    permission: 'roles:manage',
    params: z.object({ id: z.uuid() }),
    body: z.object({ roleId: z.uuid() }),
    responses: {
      201: { description: 'Assigned', schema: roleSchema },
      200: { description: 'The user already held it', schema: roleSchema },
      403: { description: 'The role has permissions you lack' },
      404: { description: 'No such user or role' },
    },
    handler: async (ctx, { params, body }) => {
      const { role, created } = await assignRole(ctx, params.id, body.roleId);
      return { status: created ? 201 : 200, body: toRoleView(role) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/users/{id}/roles/{roleId}',
    summary: 'Take a role from a user (the last owner keeps theirs)',
    tags,
    permission: 'roles:manage',
    params: z.object({ id: z.uuid(), roleId: z.uuid() }),
    responses: {
      204: { description: 'Revoked' },
      403: { description: 'The role has permissions you lack' },
      404: { description: 'No such user, role or assignment' },
      409: { description: 'It would leave no owner' },
    },
    handler: async (ctx, { params }) => {
      await revokeRole(ctx, params.id, params.roleId);
      return { status: 204 };
    },
  }),
];
