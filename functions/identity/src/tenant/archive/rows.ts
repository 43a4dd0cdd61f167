import { createHash } from 'node:crypto';
import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { type ArchivedTable, MAX_TREE_DEPTH } from './tables.ts';

const BATCH = 1000;
const MODULUS = 1n << 256n;

/**
 * A table's content digest that does not depend on row order: the sum of the rows'
 * SHA-256 (mod 2^256). The same rows give the same digest wherever they are stored, which
 * is what an import checks against the archive it came from.
 */
export class TableDigest {
  rows = 0;
  #sum = 0n;
  add(rowText: string) {
    this.rows += 1;
    this.#sum =
      (this.#sum + BigInt(`0x${createHash('sha256').update(rowText).digest('hex')}`)) % MODULUS;
  }
  get hex() {
    return this.#sum.toString(16).padStart(64, '0');
  }
}

/** Columns of `table` an archive leaves out: the tenant, its secrets, computed columns. */
async function leftOut(trx: Trx, table: ArchivedTable): Promise<string[]> {
  const generated = await sql<{ name: string }>`
    select attname as name from pg_attribute
     where attrelid = ${table.name}::regclass and attnum > 0 and attgenerated <> ''`.execute(trx);
  return ['tenant_id', ...(table.secret ?? []), ...generated.rows.map((r) => r.name)];
}

/**
 * The tenant's rows of one table as JSON text, through a cursor (never the whole table in
 * memory), in primary-key order — or parents first, walking the tree to a bounded depth.
 * Runs inside the caller's transaction, whose tenant row-level security keeps it to.
 */
export async function* tableRows(
  trx: Trx,
  tenantId: string,
  table: ArchivedTable,
): AsyncGenerator<string> {
  const omit = await leftOut(trx, table);
  const row = sql`(to_jsonb(t) - ${omit}::text[])::text`;
  const from = sql.table(table.name);
  const query = table.parentsFirst
    ? sql`with recursive tree (id, depth) as (
            select id, 0 from ${from} where tenant_id = ${tenantId} and ${sql.ref(table.parentsFirst.column)} is null
            union all
            select c.id, tree.depth + 1 from ${from} c join tree on c.${sql.ref(table.parentsFirst.column)} = tree.id
             where c.tenant_id = ${tenantId} and tree.depth < ${MAX_TREE_DEPTH})
          select ${row} as r from ${from} t join tree using (id)
           where t.tenant_id = ${tenantId} order by tree.depth, t.id`
    : sql`select ${row} as r from ${from} t where t.tenant_id = ${tenantId}
           order by ${sql.raw(await primaryKeyOrder(trx, table.name))}`;
  const cursor = sql.id(`archive_${table.name}`);
  await sql`declare ${cursor} no scroll cursor for ${query}`.execute(trx);
  try {
    for (;;) {
      const { rows } = await sql<{
        r: string;
      }>`fetch ${sql.raw(String(BATCH))} from ${cursor}`.execute(trx);
      for (const r of rows) yield r.r;
      if (rows.length < BATCH) break;
    }
  } finally {
    await sql`close ${cursor}`.execute(trx);
  }
}

/** "t.a, t.b": the table's primary key columns, from the catalogue. */
async function primaryKeyOrder(trx: Trx, table: string): Promise<string> {
  const { rows } = await sql<{ name: string }>`
    select a.attname as name
      from pg_index i
      join lateral unnest(i.indkey) with ordinality as k(attnum, n) on true
      join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
     where i.indrelid = ${table}::regclass and i.indisprimary
     order by k.n`.execute(trx);
  return rows.map((r) => `t.${JSON.stringify(r.name)}`).join(', ');
}

/** How many rows of the table the tenant has (every one must be in the archive). */
export async function countRows(trx: Trx, tenantId: string, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`
    select count(*) as n from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(trx);
  return Number(rows[0]?.n ?? 0);
}
