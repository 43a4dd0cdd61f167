-- A tenant's whole data as one archive (issue 22): exports an owner asks for, kept in
-- storage for a day, and imports of such an archive into a new tenant. Each always ends
-- `succeeded` or `failed` with a reason the owner can read.
create table tenant_exports (
  tenant_id    uuid not null references tenants (id) on delete cascade,
  id           uuid not null default gen_random_uuid(),
  status       text not null default 'queued' check (status in ('queued', 'succeeded', 'failed')),
  requested_by uuid,
  storage_key  text not null,
  bytes        bigint,
  -- Rows per table, and each table's content digest (order-free), as written in the archive.
  counts       jsonb,
  digests      jsonb,
  error        text,
  created_at   timestamptz not null default now(),
  finished_at  timestamptz,
  -- The archive is deleted then (purge_expired_tenant_exports); the download answers 410.
  expires_at   timestamptz,
  purged_at    timestamptz,
  primary key (tenant_id, id)
);
create index tenant_exports_recent on tenant_exports (tenant_id, created_at desc);
create index tenant_exports_to_purge on tenant_exports (expires_at) where purged_at is null;

create table tenant_imports (
  tenant_id    uuid not null references tenants (id) on delete cascade,
  id           uuid not null default gen_random_uuid(),
  status       text not null default 'queued' check (status in ('queued', 'succeeded', 'failed')),
  requested_by uuid,
  storage_key  text not null,
  bytes        bigint not null,
  counts       jsonb,
  error        text,
  created_at   timestamptz not null default now(),
  finished_at  timestamptz,
  primary key (tenant_id, id)
);
create index tenant_imports_recent on tenant_imports (tenant_id, created_at desc);

-- One export, and one import, under way per tenant: two requests racing each other cannot
-- both pass a check made before their insert; this refuses the second.
create unique index tenant_exports_one_queued on tenant_exports (tenant_id) where status = 'queued';
create unique index tenant_imports_one_queued on tenant_imports (tenant_id) where status = 'queued';

do $$
declare t text;
begin
  foreach t in array array['tenant_exports', 'tenant_imports'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy %I on %I using (tenant_id = (select current_tenant_id()))
                      with check (tenant_id = (select current_tenant_id()))', t || '_isolation', t);
    execute format('grant select, insert, update on %I to devctx_app', t);
  end loop;
end
$$;

-- Export archives past their day, across tenants, marked purged for the scheduler to delete
-- from storage. Maintenance crosses tenants only through this function.
create policy tenant_exports_maintenance on tenant_exports to devctx_owner using (true) with check (true);
create function purge_expired_tenant_exports(p_limit integer)
  returns table (tenant_id uuid, storage_key text)
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  update tenant_exports e set purged_at = now()
   where (e.tenant_id, e.id) in (
           select tenant_id, id from tenant_exports
            where purged_at is null and expires_at < now()
            order by expires_at
            limit p_limit
            for update skip locked)
  returning e.tenant_id, e.storage_key
$$;
revoke all on function purge_expired_tenant_exports(integer) from public;
grant execute on function purge_expired_tenant_exports(integer) to devctx_app;
