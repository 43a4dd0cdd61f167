import type { Db } from '@devctx/shared';
import { sql } from 'kysely';

export type Exclusive<T> = { ran: true; result: T } | { ran: false; reason: string };

/**
 * Runs `work` only if no other run of the same job holds its advisory lock: Cloud
 * Scheduler may fire again while a slow run is still going, or two instances may both be
 * asked; the second one steps aside. The lock lives on one connection and ends with it.
 */
export async function exclusively<T>(
  db: Db,
  name: string,
  work: () => Promise<T>,
): Promise<Exclusive<T>> {
  return db.connection().execute(async (connection) => {
    const key = `devctx:scheduled:${name}`;
    const { rows } = await sql<{
      locked: boolean;
    }>`select pg_try_advisory_lock(hashtext(${key})) as locked`.execute(connection);
    if (!rows[0]?.locked) return { ran: false, reason: 'another run of this job is in progress' };
    try {
      return { ran: true, result: await work() };
    } finally {
      await sql`select pg_advisory_unlock(hashtext(${key}))`.execute(connection);
    }
  });
}
