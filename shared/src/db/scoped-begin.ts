import { AsyncLocalStorage } from 'node:async_hooks';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  PostgresDialect,
  type PostgresDialectConfig,
  PostgresDriver,
  type TransactionSettings,
} from 'kysely';

/**
 * Statements to send in the same round trip as the next BEGIN, once. A tenant
 * transaction's settings (`set_config(..., true)`) then cost no round trip of their own:
 * BEGIN and them go as one simple-protocol query. The text must not carry client input
 * other than what its maker has validated (withTenant sends checked UUIDs only).
 */
export class PendingBegin {
  #statements: string | undefined;
  constructor(statements: string) {
    this.#statements = statements;
  }
  /** The statements, the first time only: a transaction nested inside gets a plain BEGIN. */
  take(): string | undefined {
    const statements = this.#statements;
    this.#statements = undefined;
    return statements;
  }
  get taken() {
    return this.#statements === undefined;
  }
}

const pending = new AsyncLocalStorage<PendingBegin>();

/** Runs `fn` (which opens a transaction) with `begin` sent along with that BEGIN. */
export function withPendingBegin<T>(begin: PendingBegin, fn: () => Promise<T>): Promise<T> {
  return pending.run(begin, fn);
}

class ScopedBeginDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    const statements =
      settings.isolationLevel || settings.accessMode ? undefined : pending.getStore()?.take();
    if (!statements) return super.beginTransaction(connection, settings);
    try {
      await connection.executeQuery(CompiledQuery.raw(`begin; ${statements}`));
    } catch (error) {
      // BEGIN may have run before the settings failed (a cancel, a timeout): Kysely thinks
      // no transaction began and would return the connection inside an aborted one.
      await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw error;
    }
  }
}

/** Kysely's PostgreSQL dialect, whose BEGIN carries a PendingBegin's statements. */
export class ScopedBeginDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ScopedBeginDriver(this.#config);
  }
}
