import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCatalogueProblems } from './support/catalogue.ts';
import { adminQuery, createTestDatabase, type TestDatabase } from './support/index.ts';

describe('schema catalogue', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('every tenant table forces row-level security, and keys and indexes lead with tenant_id', async () => {
    expect(await findCatalogueProblems(database.adminUrl)).toEqual([]);
  });

  it('the runtime role is not superuser, cannot bypass RLS and owns nothing', async () => {
    const [role] = await adminQuery(
      database.adminUrl,
      `select rolsuper, rolbypassrls,
              (select count(*)::int from pg_class c where c.relowner = r.oid) as owned
       from pg_roles r where rolname = 'devctx_app'`,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('catches a table that breaks the rules (so the check itself can fail)', async () => {
    const scratch = await createTestDatabase();
    try {
      await adminQuery(
        scratch.adminUrl,
        `set role devctx_owner;
         create table notes (tenant_id uuid not null, id uuid primary key, body text unique,
                             user_id uuid, foreign key (tenant_id, user_id) references users (tenant_id, id));
         create table leaky (id int primary key);
         grant select on leaky to devctx_app;`,
      );
      const problems = await findCatalogueProblems(scratch.adminUrl);
      expect(problems).toEqual(
        expect.arrayContaining([
          'notes: row-level security is not enabled and forced',
          'notes: has no row-level security policy',
          'notes: no index is led by tenant_id',
          'notes: primary key constraint notes_pkey does not include tenant_id',
          'notes: unique constraint notes_body_key does not include tenant_id',
          'devctx_app can access leaky, which lacks forced row-level security',
        ]),
      );
      expect(problems.some((p) => p.startsWith('notes: foreign key'))).toBe(false);
    } finally {
      await scratch.drop();
    }
  });
});
