import { notFound, type Trx } from '@devctx/shared';
import { repositoryColumns } from './representation.ts';

export async function findRepository(trx: Trx, tenantId: string, id: string, lock = false) {
  let query = trx
    .selectFrom('repositories')
    .select(repositoryColumns)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw notFound('repository');
  return row;
}
