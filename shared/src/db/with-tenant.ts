import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Transaction } from 'kysely';
import { AppError } from '../errors/app-error.ts';
import { takeAfterCommitHooks } from './after-commit.ts';
import { type Db, tenantGateOf } from './database.ts';
import type { Database } from './schema.ts';
import { PendingBegin, withPendingBegin } from './scoped-begin.ts';

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
// A deadlock or a serialization failure: the transaction lost a race and was rolled back
// whole, so running it once more is safe and usually succeeds.
const LOST_A_RACE = new Set(['40P01', '40001']);

/** A request's one transaction (withRequestTransaction), which withTenant calls inside join. */
interface Ambient {
  scope: TenantScope;
  trx: Trx;
  savepoints: number;
  /** The deadlock or serialization failure that aborted it: every later part fails with it. */
  lostRace?: unknown;
}
const ambient = new AsyncLocalStorage<Ambient>();

/**
 * Runs `fn` in one transaction with the tenant (and acting user) set transaction-locally,
 * so row-level security applies to every query inside and nothing leaks to the next user
 * of the pooled connection — also behind a transaction pooler. Inside a request's
 * transaction (withRequestTransaction) of the same tenant and user, it joins that one
 * instead, as a savepoint. A transaction that loses a deadlock or serialization race is
 * run once more before the error reaches the client (as 503 with Retry-After).
 */
export async function withTenant<T>(scope: TenantScope, fn: (trx: Trx) => Promise<T>): Promise<T> {
  assertScope(scope);
  const outer = ambient.getStore();
  if (outer && sameScope(outer.scope, scope)) return inSavepoint(outer, fn);
  return runTransaction(scope, fn, false);
}

/**
 * One transaction for a whole request: every withTenant inside joins it, so a check made
 * at the start (an If-Match precondition, under the resource's lock) still holds when the
 * handler writes, and the request's effects commit or roll back together.
 */
export function withRequestTransaction<T>(
  scope: TenantScope,
  fn: (trx: Trx) => Promise<T>,
): Promise<T> {
  assertScope(scope);
  return runTransaction(scope, fn, true);
}

/** Whether this code runs inside a request's transaction (withRequestTransaction). */
export const inRequestTransaction = () => ambient.getStore() !== undefined;

async function runTransaction<T>(
  scope: TenantScope,
  fn: (trx: Trx) => Promise<T>,
  shared: boolean,
): Promise<T> {
  let committed: Trx | undefined;
  const settings = settingsOf(scope);
  const transaction = () => {
    const begin = new PendingBegin(settings);
    return withPendingBegin(begin, () =>
      scope.db.transaction().execute(async (trx) => {
        // A database handle without the scoped BEGIN (a bare Kysely) sets them here.
        if (!begin.taken) await sql.raw(settings).execute(trx);
        const value = shared
          ? await ambient.run({ scope, trx, savepoints: 0 }, () => fn(trx))
          : await ambient.exit(() => fn(trx));
        committed = trx;
        return value;
      }),
    );
  };
  // No tenant may hold more than its share of the pool (shared/src/db/tenant-gate.ts).
  const gate = tenantGateOf(scope.db);
  const attempt = () => (gate ? gate.run(scope.tenantId, transaction) : transaction());
  let result: T;
  try {
    result = await attempt();
  } catch (error) {
    if (!LOST_A_RACE.has((error as { code?: string }).code ?? '')) throw error;
    result = await attempt();
  }
  // Hooks announce committed work (e.g. dispatch jobs); a failure there is recovered by
  // the outbox sweep, so it must not turn a committed request into an error.
  for (const hook of committed ? takeAfterCommitHooks(committed) : []) {
    await hook().catch(() => undefined);
  }
  return result;
}

/** Joins the request's transaction; a failure undoes only this part, as its own would. */
async function inSavepoint<T>(outer: Ambient, fn: (trx: Trx) => Promise<T>): Promise<T> {
  // A part that runs after the race was lost (cleanup in a catch, say) would only meet
  // "transaction is aborted" and hide the error that lets the whole request run again.
  if (outer.lostRace) throw outer.lostRace;
  const name = sql.raw(`nested_${++outer.savepoints}`);
  await sql`savepoint ${name}`.execute(outer.trx);
  try {
    const value = await fn(outer.trx);
    await sql`release savepoint ${name}`.execute(outer.trx);
    return value;
  } catch (error) {
    // A lost race aborts the whole transaction: it must reach the retry, not be undone here.
    if (LOST_A_RACE.has((error as { code?: string }).code ?? '')) outer.lostRace = error;
    else await sql`rollback to savepoint ${name}`.execute(outer.trx);
    throw error;
  }
}

function assertScope(scope: TenantScope) {
  if (!UUID.test(scope.tenantId)) throw new AppError('not_found', 'The tenant does not exist.');
  if (scope.userId !== undefined && !UUID.test(scope.userId)) {
    throw new Error('withTenant: userId must be a UUID');
  }
}

/**
 * The transaction-local settings row-level security reads, as SQL text: sent with BEGIN in
 * one round trip (scoped-begin.ts). Only UUIDs checked by assertScope go in.
 */
function settingsOf(scope: TenantScope): string {
  return `select set_config('app.tenant_id', '${scope.tenantId}', true), set_config('app.user_id', '${scope.userId ?? ''}', true)`;
}

const sameScope = (a: TenantScope, b: TenantScope) =>
  a.db === b.db && a.tenantId === b.tenantId && (a.userId ?? '') === (b.userId ?? '');
