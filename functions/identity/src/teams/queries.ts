import { notFound, type Trx } from '@devctx/shared';

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
