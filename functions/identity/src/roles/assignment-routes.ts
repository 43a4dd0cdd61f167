import {
  actorOf,
  actorScope,
  defineRoute,
  notFound,
  recordAudit,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { assertCanGrant, permissionsOfRole } from './guard-grants.ts';
import { assertOwnerRemains, findRole, roleColumns } from './queries.ts';
import { roleSchema, toRoleView } from './representation.ts';

const tags = ['roles'];
const rolesPage = z.object({ items: z.array(roleSchema), nextCursor: z.string().nullable() });

async function userExists(trx: Trx, tenantId: string, userId: string) {
  const user = await trx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('user');
}

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
        await userExists(trx, tenantId, params.id);
        return trx
          .selectFrom('user_roles as ur')
          .innerJoin('roles as r', (j) =>
            j.onRef('r.tenant_id', '=', 'ur.tenant_id').onRef('r.id', '=', 'ur.role_id'),
          )
          .select(roleColumns.map((c) => `r.${c}` as const))
          .where('ur.tenant_id', '=', tenantId)
          .where('ur.user_id', '=', params.id)
          .orderBy('r.name')
          .execute();
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
      const actor = actorOf(ctx);
      const tenantId = actor.tenantId;
      return withTenant(actorScope(ctx), async (trx) => {
        await userExists(trx, tenantId, params.id);
        const role = await findRole(trx, tenantId, body.roleId);
        if (!role) throw notFound('role');
        assertCanGrant(actor, permissionsOfRole(role), `give the role ${role.name}`);
        const inserted = await trx
          .insertInto('user_roles')
          .values({ tenant_id: tenantId, user_id: params.id, role_id: role.id })
          .onConflict((oc) => oc.doNothing())
          .returning('role_id')
          .executeTakeFirst();
        const created = inserted !== undefined;
        if (created) {
          await recordAudit(trx, ctx, tenantId, {
            action: 'role.assigned',
            targetType: 'user',
            targetId: params.id,
            details: { roleId: role.id, role: role.name },
          });
        }
        return { status: created ? 201 : 200, body: toRoleView(role) };
      });
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
      const actor = actorOf(ctx);
      const tenantId = actor.tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        const role = await findRole(trx, tenantId, params.roleId);
        if (!role) throw notFound('role');
        assertCanGrant(actor, permissionsOfRole(role), `take away the role ${role.name}`);
        if (role.system_key === 'owner') await assertOwnerRemains(trx, tenantId, params.id);
        const deleted = await trx
          .deleteFrom('user_roles')
          .where('tenant_id', '=', tenantId)
          .where('user_id', '=', params.id)
          .where('role_id', '=', role.id)
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) throw notFound('role assignment');
        await recordAudit(trx, ctx, tenantId, {
          action: 'role.revoked',
          targetType: 'user',
          targetId: params.id,
          details: { roleId: role.id, role: role.name },
        });
      });
      return { status: 204 };
    },
  }),
];
