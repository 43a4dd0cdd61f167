import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantGate } from '../src/db/tenant-gate.ts';
import {
  AppError,
  createDatabase,
  createLogger,
  type DatabaseHandle,
  withTenant,
} from '../src/index.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/index.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the tenant gate', () => {
  it('lets a tenant hold at most its share, queues the rest in order, and other tenants pass', async () => {
    const gate = new TenantGate({ share: 2, waitMs: 1_000 });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => {
      release = r;
    });
    const hold = (name: string) =>
      gate.run('a', async () => {
        order.push(`${name} in`);
        await held;
      });
    const first = [hold('a1'), hold('a2')];
    const third = gate.run('a', async () => order.push('a3 in'));
    await sleep(20);
    expect(gate.active('a')).toBe(2);
    await gate.run('b', async () => order.push('b in'));
    expect(order).toEqual(['a1 in', 'a2 in', 'b in']);
    release();
    await Promise.all([...first, third]);
    expect(order.at(-1)).toBe('a3 in');
    expect(gate.active('a')).toBe(0);
  });

  it('answers 503 with Retry-After when the wait is too long, and frees nothing it never held', async () => {
    const gate = new TenantGate({ share: 1, waitMs: 50 });
    let release!: () => void;
    const holding = gate.run('a', () => new Promise<void>((r) => (release = r)));
    const refused = await gate.run('a', async () => 'ran').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).headers).toMatchObject({ 'retry-after': '2' });
    release();
    await holding;
    expect(gate.active('a')).toBe(0);
    expect(await gate.run('a', async () => 'ran')).toBe('ran');
  });

  it('lets work nested in a held place through, so nesting cannot deadlock on its own tenant', async () => {
    const gate = new TenantGate({ share: 1, waitMs: 100 });
    const result = await gate.run('a', () => gate.run('a', async () => 'inner'));
    expect(result).toBe('inner');
  });
});

// The runtime role over a real pool: one tenant's slow statements cannot starve another.
describe('withTenant on a shared pool', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  const tenantA = randomUUID();
  const tenantB = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    await adminQuery(
      database.adminUrl,
      `insert into tenants (id, slug, name) values ('${tenantA}', 'a', 'A'), ('${tenantB}', 'b', 'B')`,
    );
    handle = createDatabase({
      url: database.appUrl,
      poolMax: 4,
      statementTimeoutMs: 10_000,
      tenantSharePercent: 50,
      log: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  it('serves tenant B at once while tenant A floods the pool with slow statements', async () => {
    let aDone = 0;
    const slow = Array.from({ length: 8 }, () =>
      withTenant({ db: handle.db, tenantId: tenantA }, (trx) =>
        // Long enough that B's own connect and query fit well inside one, on a loaded machine.
        sql`select pg_sleep(0.8)`.execute(trx),
      )
        .then(() => aDone++)
        .catch((e: unknown) => e),
    );
    await sleep(50);
    const slug = await withTenant({ db: handle.db, tenantId: tenantB }, (trx) =>
      trx.selectFrom('tenants').select('slug').executeTakeFirstOrThrow(),
    );
    expect(slug).toEqual({ slug: 'b' });
    // A's eight statements hold two of the four connections: B needs none of theirs, so it
    // is served before any of A's ends (without the gate, after at least four of them).
    expect(aDone).toBe(0);
    expect(handle.pool.totalCount).toBeLessThanOrEqual(4);
    const outcomes = await Promise.all(slow);
    expect(outcomes.every((o) => typeof o === 'number')).toBe(true);
  });
});
