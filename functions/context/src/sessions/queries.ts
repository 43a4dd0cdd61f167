import { type Cursor, type Database, notFound, type Trx } from '@devctx/shared';
import { sql, type Updateable } from 'kysely';
import { sessionColumns } from './representation.ts';

export async function findSession(trx: Trx, tenantId: string, sessionId: string) {
  const row = await trx
    .selectFrom('ai_sessions')
    .select(sessionColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) throw notFound('session');
  return row;
}

export interface SessionFilter {
  projectId?: string | undefined;
  repositoryId?: string | undefined;
  userId?: string | undefined;
  tool?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * Sessions, newest first, after the cursor's; started_key is started_at as PostgreSQL
 * prints it (to the microsecond), for the next cursor.
 */
export function listSessions(
  trx: Trx,
  tenantId: string,
  filter: SessionFilter,
  limit: number,
  after?: Cursor,
) {
  let query = trx
    .selectFrom('ai_sessions')
    .select([...sessionColumns, sql<string>`started_at::text`.as('started_key')])
    .where('tenant_id', '=', tenantId);
  if (filter.projectId) query = query.where('project_id', '=', filter.projectId);
  if (filter.repositoryId) query = query.where('repository_id', '=', filter.repositoryId);
  if (filter.userId) query = query.where('user_id', '=', filter.userId);
  if (filter.tool) query = query.where('tool', '=', filter.tool);
  if (filter.since) query = query.where('started_at', '>=', new Date(filter.since));
  if (filter.until) query = query.where('started_at', '<', new Date(filter.until));
  if (after)
    query = query.where(
      sql<boolean>`(started_at, id) < (${after.after}::timestamptz, ${after.id}::uuid)`,
    );
  return query
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

/**
 * Inserts a session unless the tool's session (tool, externalId) is recorded already:
 * then nothing is written and the result is undefined. `columns` come from the body.
 */
export function insertSession(
  trx: Trx,
  tenantId: string,
  session: {
    tool: string;
    externalId: string | null;
    userId: string;
    startedAt: Date | undefined;
    columns: Record<string, unknown>;
  },
) {
  return trx
    .insertInto('ai_sessions')
    .values({
      tenant_id: tenantId,
      tool: session.tool,
      external_id: session.externalId,
      user_id: session.userId,
      ended_at: null,
      ...(session.startedAt ? { started_at: session.startedAt } : {}),
      ...session.columns,
    } as never)
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'tool', 'external_id'])
        .where('external_id', 'is not', null)
        .doNothing(),
    )
    .returning(sessionColumns)
    .executeTakeFirst();
}

/** The session a tool recorded under its own id. */
export function findSessionByExternalId(
  trx: Trx,
  tenantId: string,
  tool: string,
  externalId: string,
) {
  return trx
    .selectFrom('ai_sessions')
    .select(sessionColumns)
    .where('tenant_id', '=', tenantId)
    .where('tool', '=', tool)
    .where('external_id', '=', externalId)
    .executeTakeFirstOrThrow();
}

/** Sets the given columns of one session. */
export async function updateSession(
  trx: Trx,
  tenantId: string,
  sessionId: string,
  changes: Updateable<Database['ai_sessions']>,
) {
  await trx
    .updateTable('ai_sessions')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .execute();
}

/**
 * Its conversations and messages go with it, and with them every stored body no other
 * message uses (migration 0024), so its messages stop counting against the quota.
 */
export async function deleteSession(trx: Trx, tenantId: string, sessionId: string) {
  await trx
    .deleteFrom('ai_sessions')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', sessionId)
    .execute();
}
