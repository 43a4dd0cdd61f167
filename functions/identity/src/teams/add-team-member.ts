import {
  actorOf,
  actorScope,
  notFound,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { findUserById } from '../users/queries.ts';
import { findTeam, upsertTeamMember } from './queries.ts';

/** Adds a user of the tenant to a team, or changes their team role if they are in it. */
export async function addTeamMember(
  ctx: RequestContext,
  teamId: string,
  input: { userId: string; teamRole: 'maintainer' | 'member' },
) {
  const tenantId = actorOf(ctx).tenantId;
  return withTenant(actorScope(ctx), async (trx) => {
    await findTeam(trx, tenantId, teamId);
    const user = await findUserById(trx, tenantId, input.userId);
    if (!user) throw notFound('user');
    const row = await upsertTeamMember(trx, tenantId, teamId, user.id, input.teamRole);
    await recordAudit(trx, ctx, tenantId, {
      action: 'team.member_added',
      targetType: 'team',
      targetId: teamId,
      details: { userId: user.id, teamRole: input.teamRole },
    });
    return {
      userId: user.id,
      email: user.email,
      name: user.name,
      teamRole: row.team_role,
      addedAt: row.created_at.toISOString(),
    };
  });
}
