import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  isPermission,
  notFound,
  pageQuery,
  permissionCatalogue,
  systemRoles,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { changeRole } from './change-role.ts';
import { createRole } from './create-role.ts';
import { deleteCustomRole } from './delete-custom-role.ts';
import { findRole, listRoles } from './queries.ts';
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
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listRoles(trx, actorOf(ctx).tenantId, query.limit, after),
      );
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
    handler: async (ctx, { body }) => ({
      status: 201,
      body: toRoleView(await createRole(ctx, body)),
    }),
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
    handler: async (ctx, { params, body }) => ({
      body: toRoleView(await changeRole(ctx, params.id, body)),
    }),
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
      await deleteCustomRole(ctx, params.id);
      return { status: 204 };
    },
  }),
];
