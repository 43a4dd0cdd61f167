import {
  AppError,
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  isPermission,
  notFound,
  pageQuery,
  permissionCatalogue,
  recordAudit,
  systemRoles,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { assertCanGrant, permissionsOfRole } from './guard-grants.ts';
import { findRole, roleColumns } from './queries.ts';
import { roleSchema, toRoleView } from './representation.ts';

const tags = ['roles'];
const idParams = z.object({ id: z.uuid() });
const permissionList = z
  .array(z.string().refine(isPermission, 'not a permission; see GET /v1/permissions'))
  .max(100)
  .transform((list) => [...new Set(list)].sort());
const roleFields = {
  name: z.string().trim().min(1).max(64),
  description: z.string().trim().max(500),
  permissions: permissionList,
};
const roleBody = z.object({ ...roleFields, description: roleFields.description.default('') });
// No defaults here: a PATCH changes only what it names.
const rolePatch = z.object(roleFields).partial();

const systemRoleImmutable = () =>
  new AppError('conflict', 'System roles cannot be changed or deleted.');

export const roleRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/permissions',
    summary: 'Every permission there is, and what the system roles hold',
    tags,
    permission: 'profile:read',
    responses: { 200: { description: 'The catalogue' } },
    handler: async () => ({
      body: {
        items: Object.entries(permissionCatalogue).map(([name, description]) => ({
          name,
          description,
        })),
        systemRoles: Object.entries(systemRoles).map(([name, role]) => ({ name, ...role })),
      },
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/roles',
    summary: 'System and custom roles of the tenant',
    tags,
    permission: 'roles:read',
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of roles',
        schema: z.object({ items: z.array(roleSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) => {
        let q = trx
          .selectFrom('roles')
          .select(roleColumns)
          .where('tenant_id', '=', actorOf(ctx).tenantId);
        if (after) q = q.where('name', '>', after.after);
        return q
          .orderBy('name')
          .limit(query.limit + 1)
          .execute();
      });
      return { body: toPage(rows, query.limit, (r) => ({ after: r.name, id: r.id }), toRoleView) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/roles',
    summary: 'Create a custom role from permissions you hold',
    tags,
    permission: 'roles:manage',
    body: roleBody,
    responses: {
      201: { description: 'Created', schema: roleSchema },
      403: { description: 'A permission you lack' },
      409: { description: 'The name is taken' },
    },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      assertCanGrant(actor, body.permissions, 'create this role');
      const role = await withTenant(actorScope(ctx), async (trx) => {
        const taken = await trx
          .selectFrom('roles')
          .select('id')
          .where('tenant_id', '=', actor.tenantId)
          .where('name', '=', body.name)
          .executeTakeFirst();
        if (taken) throw new AppError('conflict', `A role named ${body.name} exists.`);
        const created = await trx
          .insertInto('roles')
          .values({
            tenant_id: actor.tenantId,
            name: body.name,
            description: body.description,
            permissions: body.permissions,
            system_key: null,
          })
          .returning(roleColumns)
          .executeTakeFirstOrThrow();
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'role.created',
          targetType: 'role',
          targetId: created.id,
          details: { name: created.name, permissions: body.permissions },
        });
        return created;
      });
      return { status: 201, body: toRoleView(role) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/roles/{id}',
    summary: 'A role',
    tags,
    permission: 'roles:read',
    params: idParams,
    responses: {
      200: { description: 'The role', schema: roleSchema },
      404: { description: 'No such role' },
    },
    handler: async (ctx, { params }) => {
      const role = await withTenant(actorScope(ctx), (trx) =>
        findRole(trx, actorOf(ctx).tenantId, params.id),
      );
      if (!role) throw notFound('role');
      return { body: toRoleView(role) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/roles/{id}',
    summary: 'Change a custom role',
    tags,
    permission: 'roles:manage',
    params: idParams,
    body: rolePatch,
    responses: {
      200: { description: 'The role', schema: roleSchema },
      403: { description: 'A permission you lack, before or after' },
      404: { description: 'No such role' },
      409: { description: 'A system role, or the name is taken' },
    },
    handler: async (ctx, { params, body }) => {
      const actor = actorOf(ctx);
      const role = await withTenant(actorScope(ctx), async (trx) => {
        const current = await findRole(trx, actor.tenantId, params.id);
        if (!current) throw notFound('role');
        if (current.system_key) throw systemRoleImmutable();
        assertCanGrant(
          actor,
          [...permissionsOfRole(current), ...(body.permissions ?? [])],
          'change this role',
        );
        const updated = await trx
          .updateTable('roles')
          .set({
            ...(body.name !== undefined ? { name: body.name } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.permissions !== undefined ? { permissions: body.permissions } : {}),
          })
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', params.id)
          .returning(roleColumns)
          .executeTakeFirstOrThrow();
        const before = new Set(current.permissions);
        const after = new Set(updated.permissions);
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'role.updated',
          targetType: 'role',
          targetId: params.id,
          details: {
            added: [...after].filter((p) => !before.has(p)),
            removed: [...before].filter((p) => !after.has(p)),
            ...(body.name && body.name !== current.name
              ? { renamed: { from: current.name, to: body.name } }
              : {}),
          },
        });
        return updated;
      });
      return { body: toRoleView(role) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/roles/{id}',
    summary: 'Delete a custom role; its holders lose it',
    tags,
    permission: 'roles:manage',
    params: idParams,
    responses: {
      204: { description: 'Deleted' },
      403: { description: 'The role has permissions you lack' },
      404: { description: 'No such role' },
      409: { description: 'A system role' },
    },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      await withTenant(actorScope(ctx), async (trx) => {
        const current = await findRole(trx, actor.tenantId, params.id);
        if (!current) throw notFound('role');
        if (current.system_key) throw systemRoleImmutable();
        assertCanGrant(actor, permissionsOfRole(current), 'delete this role');
        await trx
          .deleteFrom('roles')
          .where('tenant_id', '=', actor.tenantId)
          .where('id', '=', params.id)
          .execute();
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'role.deleted',
          targetType: 'role',
          targetId: params.id,
          details: { name: current.name, permissions: current.permissions },
        });
      });
      return { status: 204 };
    },
  }),
];
