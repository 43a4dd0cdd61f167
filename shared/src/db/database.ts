import { Kysely } from 'kysely';
import pg from 'pg';
import type { Logger } from '../logging/logger.ts';
import { connectionSettings } from './connection.ts';
import type { Database } from './schema.ts';
import { ScopedBeginDialect } from './scoped-begin.ts';
import { TenantGate } from './tenant-gate.ts';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  url: string;
  /** The password, when it is kept apart from the URL (DATABASE_PASSWORD). */
  password?: string | undefined;
  poolMax: number;
  statementTimeoutMs: number;
  /** Percent of the pool one tenant may hold at once (TenantGate). */
  tenantSharePercent?: number;
  log: Logger;
  applicationName?: string;
}

/**
 * One pool per process (per function instance), created lazily by whoever serves requests.
 * A killed connection must never take the process down: pg emits 'error' on idle pooled
 * clients through the pool, and on checked-out clients through the client itself, so both
 * get a listener (an unheard 'error' event would end the process). The broken client is then dropped by the pool when it is released.
 */
// A DATE is a calendar day, not an instant: keep it as 'YYYY-MM-DD' rather than letting
// pg turn it into a Date at local midnight (which shifts it across time zones).
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createDatabase(options: DatabaseOptions): DatabaseHandle {
  const pool = new pg.Pool({
    ...connectionSettings(options.url, options.password),
    max: options.poolMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    statement_timeout: options.statementTimeoutMs,
    application_name: options.applicationName ?? 'devctx',
  });
  pool.on('error', (error) => options.log.warn('idle database connection lost', { error }));
  // In-use failures also reject the running query, which is where they are reported.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.log.debug('database connection error', { error }));
  });
  const db = new Kysely<Database>({ dialect: new ScopedBeginDialect({ pool }) });
  const share = Math.ceil((options.poolMax * (options.tenantSharePercent ?? 50)) / 100);
  gates.set(db, new TenantGate({ share, waitMs: 5_000 }));
  return { db, pool, close: () => db.destroy() };
}

const gates = new WeakMap<Db, TenantGate>();

/** The gate that shares this handle's pool between tenants (none for a bare Kysely). */
export function tenantGateOf(db: Db): TenantGate | undefined {
  return gates.get(db);
}
