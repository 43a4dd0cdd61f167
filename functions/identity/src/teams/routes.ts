import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import {
  assertTeamNameFree,
  deleteTeam,
  findTeam,
  insertTeam,
  listTeams,
  updateTeam,
} from './queries.ts';

const tags = ['teams'];
const idParams = z.object({ id: z.uuid() });

const teamSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const teamFields = {
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(1000),
};
const teamBody = z.object({ ...teamFields, description: teamFields.description.default('') });
// No defaults here: a PATCH changes only what it names.
const teamPatch = z.object(teamFields).partial();

function toTeamView(row: {
  id: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const teamRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/teams',
    summary: 'List teams',
    tags,
    permission: 'teams:read',
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of teams',
        schema: z.object({ items: z.array(teamSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listTeams(trx, actorOf(ctx).tenantId, query.limit, after),
      );
      return { body: toPage(rows, query.limit, (t) => ({ after: t.name, id: t.id }), toTeamView) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/teams',
    summary: 'Create a team',
    tags,
    permission: 'teams:manage',
    body: teamBody,
    responses: {
      201: { description: 'Created', schema: teamSchema },
      409: { description: 'The name is taken' },
    },
    handler: async (ctx, { body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const team = await withTenant(actorScope(ctx), async (trx) => {
        await assertTeamNameFree(trx, tenantId, body.name);
        const created = await insertTeam(trx, tenantId, body);
        await recordAudit(trx, ctx, tenantId, {
          action: 'team.created',
          targetType: 'team',
          targetId: created.id,
          details: { name: body.name },
        });
        return created;
      });
      return { status: 201, body: toTeamView(team) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/teams/{id}',
    summary: 'A team',
    tags,
    permission: 'teams:read',
    params: idParams,
    responses: {
      200: { description: 'The team', schema: teamSchema },
      404: { description: 'No such team' },
    },
    handler: async (ctx, { params }) => ({
      body: toTeamView(
        await withTenant(actorScope(ctx), (trx) => findTeam(trx, actorOf(ctx).tenantId, params.id)),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/teams/{id}',
    summary: 'Rename or describe a team',
    tags,
    permission: 'teams:manage',
    params: idParams,
    body: teamPatch,
    responses: {
      200: { description: 'The team', schema: teamSchema },
      404: { description: 'No such team' },
      409: { description: 'The name is taken' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const team = await withTenant(actorScope(ctx), async (trx) => {
        await findTeam(trx, tenantId, params.id);
        if (body.name) await assertTeamNameFree(trx, tenantId, body.name, params.id);
        return updateTeam(trx, tenantId, params.id, body);
      });
      return { body: toTeamView(team) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/teams/{id}',
    summary: 'Delete a team (its members stay users)',
    tags,
    permission: 'teams:manage',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such team' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        const team = await findTeam(trx, tenantId, params.id);
        await deleteTeam(trx, tenantId, params.id);
        await recordAudit(trx, ctx, tenantId, {
          action: 'team.deleted',
          targetType: 'team',
          targetId: params.id,
          details: { name: team.name },
        });
      });
      return { status: 204 };
    },
  }),
];
