import pg from 'pg';
import { APP_ROLE } from '../../src/index.ts';

/**
 * Tables whose policy binds devctx_app but not the owner, so that a security-definer
 * function can use indexes RLS would forbid; each such function filters the tenant itself.
 * message_bodies: search_message_bodies (migration 0011).
 */
const OWNER_READS_ACROSS_TENANTS = ['message_bodies'];

/**
 * Reads the migrated schema and lists every breach of the tenancy rules (DESIGN.md,
 * "Tenancy"). An empty list means every table — including ones added later — complies.
 */
export async function findCatalogueProblems(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const problems: string[] = [];
    const add = (rows: { problem: string }[]) => problems.push(...rows.map((r) => r.problem));

    // Tables with tenant_id (and tenants itself): RLS enabled and forced, at least one policy.
    add(
      (
        await client.query(
          `
      select format('%s: row-level security is not enabled and forced', c.relname) as problem
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and (exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
             or c.relname = 'tenants')
        and not (c.relrowsecurity and (c.relforcerowsecurity or c.relname::text = any ($1::text[])))
      union all
      select format('%s: has no row-level security policy', c.relname)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
        and not exists (select from pg_policy p where p.polrelid = c.oid)`,
          [OWNER_READS_ACROSS_TENANTS],
        )
      ).rows,
    );

    // Tenant tables: an index led by tenant_id; every PK, unique constraint, unique index
    // and foreign key includes tenant_id.
    add(
      (
        await client.query(`
      with tenant_tables as (
        select c.oid, c.relname, a.attnum as tenant_attnum
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
        where n.nspname = 'public' and c.relkind in ('r', 'p')
      )
      select format('%s: no index is led by tenant_id', t.relname) as problem
      from tenant_tables t
      where not exists (select from pg_index i where i.indrelid = t.oid and i.indkey[0] = t.tenant_attnum)
      union all
      select format('%s: %s constraint %s does not include tenant_id', t.relname,
                    case k.contype when 'p' then 'primary key' when 'u' then 'unique' else 'foreign key' end,
                    k.conname)
      from tenant_tables t join pg_constraint k on k.conrelid = t.oid
      where k.contype in ('p', 'u', 'f') and not (t.tenant_attnum = any (k.conkey))
      union all
      select format('%s: unique index %s does not include tenant_id', t.relname, i.indexrelid::regclass)
      from tenant_tables t join pg_index i on i.indrelid = t.oid
      where i.indisunique and not (t.tenant_attnum = any (i.indkey::int2[]))`)
      ).rows,
    );

    // The runtime role: no superuser, no BYPASSRLS, owns nothing, not a member of the owner,
    // and no privilege on any table that lacks forced row-level security.
    add(
      (
        await client.query(
          `
      select format('%s is superuser or can bypass row-level security', rolname) as problem
      from pg_roles where rolname = $1 and (rolsuper or rolbypassrls)
      union all
      select format('%s owns %s', $1::text, c.relname)
      from pg_class c join pg_roles r on r.oid = c.relowner
      where r.rolname = $1
      union all
      select format('%s is a member of %s', $1::text, r.rolname)
      from pg_roles r where r.rolname <> $1 and pg_has_role($1, r.oid, 'member')
        and r.rolname not like 'pg\\_%'
      union all
      select format('%s can access %s, which lacks forced row-level security', $1::text, c.relname)
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
        and not (c.relrowsecurity and (c.relforcerowsecurity or c.relname::text = any ($2::text[])))
        and has_table_privilege($1, c.oid, 'select, insert, update, delete, truncate, references')`,
          [APP_ROLE, OWNER_READS_ACROSS_TENANTS],
        )
      ).rows,
    );
    return problems;
  } finally {
    await client.end();
  }
}
