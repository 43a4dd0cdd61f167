import { assertReferenceExists, type Trx } from '@devctx/shared';
import { findSession, updateSession } from './queries.ts';
import { sessionFieldColumns } from './representation.ts';

/** Changes the fields the body names; a project or repository must be the tenant's. */
export async function changeSession(
  trx: Trx,
  tenantId: string,
  sessionId: string,
  body: {
    model?: string | null | undefined;
    projectId?: string | null | undefined;
    repositoryId?: string | null | undefined;
    gitBranch?: string | null | undefined;
    workingDir?: string | null | undefined;
    title?: string | null | undefined;
  },
) {
  await findSession(trx, tenantId, sessionId);
  await assertReferenceExists(trx, tenantId, 'projects', body.projectId);
  await assertReferenceExists(trx, tenantId, 'repositories', body.repositoryId);
  await updateSession(trx, tenantId, sessionId, sessionFieldColumns(body) as never);
  return findSession(trx, tenantId, sessionId);
}
