import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  notFound,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { findTeam } from './queries.ts';

const tags = ['teams'];
const idParams = z.object({ id: z.uuid() });
const memberSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  teamRole: z.enum(['maintainer', 'member']),
  addedAt: z.iso.datetime(),
});

/** Who is in a team, with which team role. */
export const teamMemberRoutes = [
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
