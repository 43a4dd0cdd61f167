import { AppError, type Cursor, notFound, type Trx } from '@devctx/shared';

export const teamColumns = ['id', 'name', 'description', 'created_at', 'updated_at'] as const;

export async function findTeam(trx: Trx, tenantId: string, teamId: string) {
  const team = await trx
    .selectFrom('teams')
    .select(teamColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  if (!team) throw notFound('team');
  return team;
}

/** Teams by name (unique per tenant), after the cursor's. */
export function listTeams(trx: Trx, tenantId: string, limit: number, after?: Cursor) {
  let query = trx.selectFrom('teams').select(teamColumns).where('tenant_id', '=', tenantId);
  if (after) query = query.where('name', '>', after.after);
  return query
    .orderBy('name')
    .limit(limit + 1)
    .execute();
}

/** 409 when another team (than exceptId) has this name. */
export async function assertTeamNameFree(
  trx: Trx,
  tenantId: string,
  name: string,
  exceptId?: string,
) {
  let query = trx
    .selectFrom('teams')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  if (await query.executeTakeFirst())
    throw new AppError('conflict', `A team named ${name} exists.`);
}

export function insertTeam(
  trx: Trx,
  tenantId: string,
  team: { name: string; description: string },
) {
  return trx
    .insertInto('teams')
    .values({ tenant_id: tenantId, name: team.name, description: team.description })
    .returning(teamColumns)
    .executeTakeFirstOrThrow();
}

export function updateTeam(
  trx: Trx,
  tenantId: string,
  teamId: string,
  changes: { name?: string | undefined; description?: string | undefined },
) {
  return trx
    .updateTable('teams')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .returning(teamColumns)
    .executeTakeFirstOrThrow();
}

/** Its memberships go with it; the members stay users. */
export async function deleteTeam(trx: Trx, tenantId: string, teamId: string) {
  await trx
    .deleteFrom('teams')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', teamId)
    .execute();
}

/** A team's members by email, after the cursor's. */
export function listTeamMembers(
  trx: Trx,
  tenantId: string,
  teamId: string,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('team_members as m')
    .innerJoin('users as u', (j) =>
      j.onRef('u.tenant_id', '=', 'm.tenant_id').onRef('u.id', '=', 'm.user_id'),
    )
    .select(['u.id', 'u.email', 'u.name', 'm.team_role', 'm.created_at'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.team_id', '=', teamId);
  if (after) query = query.where('u.email', '>', after.after);
  return query
    .orderBy('u.email')
    .limit(limit + 1)
    .execute();
}

/** Adds the user to the team, or changes their team role when they are in it already. */
export function upsertTeamMember(
  trx: Trx,
  tenantId: string,
  teamId: string,
  userId: string,
  teamRole: 'maintainer' | 'member',
) {
  return trx
    .insertInto('team_members')
    .values({ tenant_id: tenantId, team_id: teamId, user_id: userId, team_role: teamRole })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'team_id', 'user_id']).doUpdateSet({ team_role: teamRole }),
    )
    .returning(['team_role', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** False when the user was not in the team. */
export async function deleteTeamMember(trx: Trx, tenantId: string, teamId: string, userId: string) {
  const deleted = await trx
    .deleteFrom('team_members')
    .where('tenant_id', '=', tenantId)
    .where('team_id', '=', teamId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows) > 0;
}
