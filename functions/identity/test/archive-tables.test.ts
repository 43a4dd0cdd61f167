import { adminQuery, createTestDatabase, type TestDatabase } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVED_TABLES, NOT_ARCHIVED } from '../src/tenant/archive/tables.ts';

// The archive's table list against the database's own catalogue: a table added later is
// either archived or named as not archived with its reason, never forgotten.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('the tenant archive', () => {
  it('covers every table that holds tenant rows', async () => {
    const tables = (
      await adminQuery<{ name: string }>(
        db.adminUrl,
        `select c.relname as name from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')
          order by 1`,
      )
    ).map((t) => t.name);
    const named = [...ARCHIVED_TABLES.map((t) => t.name), ...Object.keys(NOT_ARCHIVED)].sort();
    expect(named).toEqual(tables);
  });

  it('writes each table after the tables it references', async () => {
    const references = await adminQuery<{ child: string; parent: string }>(
      db.adminUrl,
      `select conrelid::regclass::text as child, confrelid::regclass::text as parent
         from pg_constraint where contype = 'f' and conrelid <> confrelid`,
    );
    const position = new Map(ARCHIVED_TABLES.map((t, i) => [t.name, i]));
    for (const { child, parent } of references) {
      if (!position.has(child) || parent === 'tenants' || parent === 'tiers') continue;
      expect(position.get(parent), `${child} references ${parent}`).toBeLessThan(
        position.get(child) as number,
      );
    }
  });

  it('leaves out only columns that exist', async () => {
    for (const table of ARCHIVED_TABLES)
      for (const column of [...(table.secret ?? []), ...(table.madeAnew ?? [])]) {
        const found = await adminQuery(
          db.adminUrl,
          `select 1 from information_schema.columns where table_name = $1 and column_name = $2`,
          [table.name, column],
        );
        expect(found, `${table.name}.${column}`).toHaveLength(1);
      }
  });
});
