import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, createLogger, type DatabaseHandle, withTenant } from '../src/index.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/index.ts';

// Everything here runs as the runtime role (devctx_app), never as a superuser: superusers
// bypass even forced row-level security, so a test as one would prove nothing.
describe('tenant isolation in the database (runtime role)', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const userA = randomUUID();
  const userB = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase();
    await adminQuery(
      database.adminUrl,
      `insert into tenants (id, slug, name) values ($1, 'tenant-a', 'A'), ($2, 'tenant-b', 'B');
       insert into users (tenant_id, id, email, name) values
         ($1, $3, 'ann@a.example', 'Ann'), ($2, $4, 'bob@b.example', 'Bob');`.replace(
        /\$(\d)/g,
        (_, n) => `'${[tenantA, tenantB, userA, userB][Number(n) - 1]}'`,
      ),
    );
    // One connection, so every test also runs on a connection reused after another tenant.
    handle = createDatabase({
      url: database.appUrl,
      poolMax: 1,
      statementTimeoutMs: 5000,
      log: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  const asTenant = (tenantId: string) => ({ db: handle.db, tenantId });

  it('the app connects as devctx_app, not as an owner or superuser', async () => {
    const { rows } = await sql<{
      user: string;
      su: string;
    }>`select current_user as user, current_setting('is_superuser') as su`.execute(handle.db);
    expect(rows[0]).toEqual({ user: 'devctx_app', su: 'off' });
  });

  it('a tenant sees only its own users and its own tenant row', async () => {
    const users = await withTenant(asTenant(tenantA), (trx) =>
      trx.selectFrom('users').select(['id', 'email']).execute(),
    );
    expect(users).toEqual([{ id: userA, email: 'ann@a.example' }]);
    const tenants = await withTenant(asTenant(tenantA), (trx) =>
      trx.selectFrom('tenants').select('slug').execute(),
    );
    expect(tenants).toEqual([{ slug: 'tenant-a' }]);
  });

  it("even asking for the other tenant's rows by id finds nothing", async () => {
    const rows = await withTenant(asTenant(tenantA), (trx) =>
      trx
        .selectFrom('users')
        .select('id')
        .where('tenant_id', '=', tenantB)
        .where('id', '=', userB)
        .execute(),
    );
    expect(rows).toEqual([]);
  });

  it("cannot update or delete the other tenant's rows", async () => {
    const updated = await withTenant(asTenant(tenantA), (trx) =>
      trx.updateTable('users').set({ name: 'hacked' }).where('id', '=', userB).executeTakeFirst(),
    );
    expect(updated.numUpdatedRows).toBe(0n);
    const deleted = await withTenant(asTenant(tenantA), (trx) =>
      trx.deleteFrom('users').where('id', '=', userB).executeTakeFirst(),
    );
    expect(deleted.numDeletedRows).toBe(0n);
    const [bob] = await adminQuery(
      database.adminUrl,
      `select name from users where id = '${userB}'`,
    );
    expect(bob?.name).toBe('Bob');
  });

  it('cannot write a row into the other tenant', async () => {
    await expect(
      withTenant(asTenant(tenantA), (trx) =>
        trx
          .insertInto('users')
          .values({ tenant_id: tenantB, email: 'eve@b.example', name: 'Eve' })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(asTenant(tenantA), (trx) =>
        trx.updateTable('users').set({ tenant_id: tenantB }).where('id', '=', userA).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('sees nothing and can write nothing with no tenant set — also on a reused connection', async () => {
    // The single pooled connection has just run tenant transactions: app.tenant_id is now ''.
    const users = await handle.db.selectFrom('users').select('id').execute();
    expect(users).toEqual([]);
    const tenants = await handle.db.selectFrom('tenants').select('id').execute();
    expect(tenants).toEqual([]);
    await expect(
      handle.db
        .insertInto('users')
        .values({ tenant_id: tenantA, email: 'x@a.example', name: 'X' })
        .execute(),
    ).rejects.toThrow(/row-level security/);
  });

  it('the tenant setting does not outlive its transaction', async () => {
    await withTenant(asTenant(tenantA), async () => undefined);
    const { rows } = await sql<{
      t: string | null;
    }>`select current_setting('app.tenant_id', true) as t`.execute(handle.db);
    expect(rows[0]?.t ?? '').toBe('');
  });

  it('the runtime role cannot create tenants, drop tables or read the migrations record', async () => {
    await expect(
      withTenant(asTenant(tenantA), (trx) =>
        trx.insertInto('tenants').values({ slug: 'sneaky', name: 'Sneaky' }).execute(),
      ),
    ).rejects.toThrow(/permission denied/);
    await expect(sql`drop table users`.execute(handle.db)).rejects.toThrow(/must be owner/);
    await expect(sql`select * from migrations`.execute(handle.db)).rejects.toThrow(
      /permission denied/,
    );
  });

  it('rejects a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(asTenant("' or 1=1 --"), async () => 1)).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
