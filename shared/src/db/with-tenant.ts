import { sql, type Transaction } from 'kysely';
import { AppError } from '../errors/app-error.ts';
import { takeAfterCommitHooks } from './after-commit.ts';
import { type Db, tenantGateOf } from './database.ts';
import type { Database } from './schema.ts';

export type Trx = Transaction<Database>;

export interface TenantScope {
  db: Db;
  tenantId: string;
  /** The acting user, recorded for policies and audit; absent for system work. */
  userId?: string | undefined;
}

/** The tenant and user of an authenticated request, as withTenant takes them. */
export function actorScope(ctx: {
  db: Db;
  actor?: { tenantId: string; userId: string } | undefined;
}): TenantScope {
  if (!ctx.actor) throw new Error('actorScope needs an authenticated request');
  return { db: ctx.db, tenantId: ctx.actor.tenantId, userId: ctx.actor.userId };
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/**
 * Runs `fn` in one transaction with the tenant (and acting user) set transaction-locally,
 * so row-level security applies to every query inside and nothing leaks to the next user
 * of the pooled connection — also behind a transaction pooler.
 */
export async function withTenant<T>(scope: TenantScope, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (!UUID.test(scope.tenantId)) throw new AppError('not_found', 'The tenant does not exist.');
  if (scope.userId !== undefined && !UUID.test(scope.userId)) {
    throw new Error('withTenant: userId must be a UUID');
  }
  let committed: Trx | undefined;
  const transaction = () =>
    scope.db.transaction().execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${scope.tenantId}, true),
                       set_config('app.user_id', ${scope.userId ?? ''}, true)`.execute(trx);
      const value = await fn(trx);
      committed = trx;
      return value;
    });
  // No tenant may hold more than its share of the pool (shared/src/db/tenant-gate.ts).
  const gate = tenantGateOf(scope.db);
  const result = gate ? await gate.run(scope.tenantId, transaction) : await transaction();
  // Hooks announce committed work (e.g. dispatch jobs); a failure there is recovered by
  // the outbox sweep, so it must not turn a committed request into an error.
  for (const hook of committed ? takeAfterCommitHooks(committed) : []) {
    await hook().catch(() => undefined);
  }
  return result;
}
