import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withRequestTransaction } from '../src/db/with-tenant.ts';
import {
  createDatabase,
  createLogger,
  type DatabaseHandle,
  type Trx,
  withTenant,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/index.ts';

// A write to a resource runs in one request transaction; withTenant calls inside join it.
let database: TestDatabase;
let handle: DatabaseHandle;
const scope = () => ({ db: handle.db, tenantId, userId });
const tenantId = randomUUID();
const userId = randomUUID();

beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDatabase({
    url: database.appUrl,
    poolMax: 4,
    statementTimeoutMs: 10_000,
    log: createLogger('silent'),
  });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const txid = async (trx: Trx) =>
  (await sql<{ id: string }>`select txid_current()::text as id`.execute(trx)).rows[0]?.id;
const setting = async (trx: Trx) =>
  (await sql<{ v: string }>`select current_setting('test.v', true) as v`.execute(trx)).rows[0]?.v;
const loseARace = (trx: Trx) =>
  sql`do $$ begin raise exception using errcode = '40P01', message = 'deadlock detected'; end $$`.execute(
    trx,
  );

describe('the request transaction', () => {
  it('is joined by every withTenant of the same tenant and user; a failing part undoes only itself', async () => {
    await withRequestTransaction(scope(), async (outer) => {
      await sql`select set_config('test.v', 'outer', true)`.execute(outer);
      const inner = await withTenant(scope(), (trx) => txid(trx));
      expect(inner).toBe(await txid(outer));
      await withTenant(scope(), async (trx) => {
        await sql`select set_config('test.v', 'inner', true)`.execute(trx);
        throw new Error('this part fails');
      }).catch(() => undefined);
      expect(await setting(outer)).toBe('outer');
    });
  });

  it('runs once more when a part loses a race, even if the caller cleans up with another part first', async () => {
    let attempts = 0;
    const result = await withRequestTransaction(scope(), async () => {
      attempts++;
      try {
        await withTenant(scope(), async (trx) => {
          if (attempts === 1) await loseARace(trx);
        });
      } catch (error) {
        // As runIdempotently does: forget the key, then rethrow.
        await withTenant(scope(), (trx) => txid(trx));
        throw error;
      }
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
  });

  it('gives the race error, not "transaction aborted", when it loses twice', async () => {
    const failure = withRequestTransaction(scope(), async () => {
      await withTenant(scope(), loseARace).catch(async (error) => {
        await withTenant(scope(), (trx) => txid(trx));
        throw error;
      });
    });
    await expect(failure).rejects.toMatchObject({ code: '40P01' });
  });
});
