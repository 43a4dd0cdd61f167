import {
  AppError,
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  notFound,
  pageQuery,
  recordAudit,
  type Trx,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';

const tags = ['teams'];
const idParams = z.object({ id: z.uuid() });
const teamColumns = ['id', 'name', 'description', 'created_at', 'updated_at'] as const;
const teamSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
const memberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  teamRole: z.enum(['maintainer', 'member']),
  addedAt: z.iso.datetime(),
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

async function findTeam(trx: Trx, tenantId: string, teamId: string) {
  const team = await trx
    .selectFrom('teams')
    .select(teamColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  if (!team) throw notFound('team');
  return team;
}

async function assertNameFree(trx: Trx, tenantId: string, name: string, exceptId?: string) {
  let q = trx
    .selectFrom('teams')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name);
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('conflict', `A team named ${name} exists.`);
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
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) => {
        let q = trx
          .selectFrom('teams')
          .select(teamColumns)
          .where('tenant_id', '=', actorOf(ctx).tenantId);
        if (after) q = q.where('name', '>', after.after);
        return q
          .orderBy('name')
          .limit(query.limit + 1)
          .execute();
      });
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
        await assertNameFree(trx, tenantId, body.name);
        const created = await trx
          .insertInto('teams')
          .values({ tenant_id: tenantId, ...body })
          .returning(teamColumns)
          .executeTakeFirstOrThrow();
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
        if (body.name) await assertNameFree(trx, tenantId, body.name, params.id);
        return trx
          .updateTable('teams')
          .set(body)
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .returning(teamColumns)
          .executeTakeFirstOrThrow();
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
        await trx
          .deleteFrom('teams')
          .where('tenant_id', '=', tenantId)
          .where('id', '=', params.id)
          .execute();
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
  defineRoute({
    method: 'GET',
    path: '/v1/teams/{id}/members',
    summary: 'Members of a team',
    tags,
    permission: 'teams:read',
    params: idParams,
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of members',
        schema: z.object({ items: z.array(memberSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findTeam(trx, tenantId, params.id);
        let q = trx
          .selectFrom('team_members as m')
          .innerJoin('users as u', (j) =>
            j.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.id', '=', 'm.user_id'),
          )
          .select(['u.id', 'u.email', 'u.name', 'm.team_role', 'm.created_at'])
          .where('m.tenant_id', '=', tenantId)
          .where('m.team_id', '=', params.id);
        if (after) q = q.where('u.email', '>', after.after);
        return q
          .orderBy('u.email')
          .limit(query.limit + 1)
          .execute();
      });
      return {
        body: toPage(
          rows,
          query.limit,
          (m) => ({ after: m.email, id: m.id }),
          (m) => ({
            userId: m.id,
            email: m.email,
            name: m.name,
            teamRole: m.team_role,
            addedAt: m.created_at.toISOString(),
          }),
        ),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/teams/{id}/members',
    summary: 'Add a user to a team, or change their team role',
    tags,
    permission: 'teams:manage',
    params: idParams,
    body: z.object({
      userId: z.uuid(),
      teamRole: z.enum(['maintainer', 'member']).default('member'),
    }),
    responses: {
      201: { description: 'Added or updated', schema: memberSchema },
      404: { description: 'No such team or user' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const member = await withTenant(actorScope(ctx), async (trx) => {
        await findTeam(trx, tenantId, params.id);
        const user = await trx
          .selectFrom('users')
          .select(['id', 'email', 'name'])
          .where('tenant_id', '=', tenantId)
          .where('id', '=', body.userId)
          .executeTakeFirst();
        if (!user) throw notFound('user');
        const row = await trx
          .insertInto('team_members')
          .values({
            tenant_id: tenantId,
            team_id: params.id,
            user_id: user.id,
            team_role: body.teamRole,
          })
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'team_id', 'user_id'])
              .doUpdateSet({ team_role: body.teamRole }),
          )
          .returning(['team_role', 'created_at'])
          .executeTakeFirstOrThrow();
        await recordAudit(trx, ctx, tenantId, {
          action: 'team.member_added',
          targetType: 'team',
          targetId: params.id,
          details: { userId: user.id, teamRole: body.teamRole },
        });
        return {
          userId: user.id,
          email: user.email,
          name: user.name,
          teamRole: row.team_role,
          addedAt: row.created_at.toISOString(),
        };
      });
      return { status: 201, body: member };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/teams/{id}/members/{userId}',
    summary: 'Remove a user from a team',
    tags,
    permission: 'teams:manage',
    params: z.object({ id: z.uuid(), userId: z.uuid() }),
    responses: { 204: { description: 'Removed' }, 404: { description: 'No such team or member' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        await findTeam(trx, tenantId, params.id);
        const deleted = await trx
          .deleteFrom('team_members')
          .where('tenant_id', '=', tenantId)
          .where('team_id', '=', params.id)
          .where('user_id', '=', params.userId)
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 0) throw notFound('team member');
        await recordAudit(trx, ctx, tenantId, {
          action: 'team.member_removed',
          targetType: 'team',
          targetId: params.id,
          details: { userId: params.userId },
        });
      });
      return { status: 204 };
    },
  }),
];
