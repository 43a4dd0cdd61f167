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
import { addTeamMember } from './add-team-member.ts';
import { deleteTeamMember, findTeam, listTeamMembers } from './queries.ts';

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
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findTeam(trx, tenantId, params.id);
        return listTeamMembers(trx, tenantId, params.id, query.limit, after);
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
    handler: async (ctx, { params, body }) => ({
      status: 201,
      body: await addTeamMember(ctx, params.id, body),
    }),
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
        const removed = await deleteTeamMember(trx, tenantId, params.id, params.userId);
        if (!removed) throw notFound('team member');
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
