import {
  actorOf,
  actorScope,
  assertReferenceExists,
  type RequestContext,
  withTenant,
} from '@devctx/shared';
import { findSessionByExternalId, insertSession } from './queries.ts';
import { sessionFieldColumns } from './representation.ts';

export interface SessionInput {
  tool: string;
  externalId?: string | undefined;
  startedAt?: string | undefined;
  model?: string | null | undefined;
  projectId?: string | null | undefined;
  repositoryId?: string | null | undefined;
  gitBranch?: string | null | undefined;
  workingDir?: string | null | undefined;
  title?: string | null | undefined;
}

/**
 * Records an AI session of the caller. A tool's session (tool and externalId) is recorded
 * once: sending it again answers the session already there, unchanged (`created` false).
 */
export async function recordSession(ctx: RequestContext, body: SessionInput) {
  const actor = actorOf(ctx);
  const { tool, externalId, startedAt, ...rest } = body;
  return withTenant(actorScope(ctx), async (trx) => {
    await assertReferenceExists(trx, actor.tenantId, 'projects', body.projectId);
    await assertReferenceExists(trx, actor.tenantId, 'repositories', body.repositoryId);
    const inserted = await insertSession(trx, actor.tenantId, {
      tool,
      externalId: externalId ?? null,
      userId: actor.userId,
      startedAt: startedAt ? new Date(startedAt) : undefined,
      columns: sessionFieldColumns(rest),
    });
    if (inserted) return { session: inserted, created: true };
    const existing = await findSessionByExternalId(trx, actor.tenantId, tool, externalId as string);
    return { session: existing, created: false };
  });
}
