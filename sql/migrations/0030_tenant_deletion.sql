-- Leaving (issue 22): an owner schedules the tenant's deletion; for 30 days it is read-only
-- and can be restored, then the scheduler deletes every row of it (and its stored objects).
alter table tenants
  add column deletion_requested_at timestamptz,
  add column deletion_due_at timestamptz,
  -- Purges that failed (too big for one run, a fault): such a tenant waits behind the others.
  add column deletion_attempts integer not null default 0;
grant update (deletion_requested_at, deletion_due_at) on tenants to devctx_app;

-- The caller's writes are also withheld while the tenant is scheduled for deletion.
create or replace function authenticate_caller(p_tenant uuid, p_session uuid, p_user uuid,
                                               p_api_key_hash bytea)
  returns table (user_id uuid, api_key_id uuid, system_roles text[], custom_permissions text[],
                 key_permissions text[], requests_per_hour integer, writes_withheld text)
  language plpgsql volatile
as $$
begin
  perform set_config('app.tenant_id', p_tenant::text, true);
  return query
    select a.*,
           case when n.deletion_due_at is not null then 'tenant_deleting'
                when n.require_verified_email and u.email_verified_at is null then 'email_unverified'
           end
      from authenticate_request(p_tenant, p_session, p_user, p_api_key_hash) a
      join users u on u.tenant_id = p_tenant and u.id = a.user_id
      join tenants n on n.id = p_tenant;
end
$$;

-- Tenants whose 30 days have passed, oldest first: the scheduler purges them one by one.
create policy tenants_maintenance on tenants to devctx_owner using (true) with check (true);
create function due_tenant_deletions(p_limit integer)
  returns table (tenant_id uuid)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select t.id from tenants t
   where t.deletion_due_at < now()
     -- An export still being written would land its archive after the purge: wait for it
     -- (an hour at most: an export stuck longer no longer holds the purge up).
     and not exists (select 1 from tenant_exports e
                      where e.tenant_id = t.id and e.status = 'queued'
                        and e.created_at > now() - interval '1 hour')
   order by t.deletion_attempts, t.deletion_due_at limit p_limit
$$;
revoke all on function due_tenant_deletions(integer) from public;
grant execute on function due_tenant_deletions(integer) to devctx_app;

create function note_tenant_purge_failed(p_tenant uuid) returns void
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  update tenants set deletion_attempts = deletion_attempts + 1
   where id = p_tenant and deletion_due_at is not null
$$;
revoke all on function note_tenant_purge_failed(uuid) from public;
grant execute on function note_tenant_purge_failed(uuid) to devctx_app;

-- Deletes every row of a tenant whose deletion is due, in every table with a tenant_id
-- (found from the catalogue: a table added later is covered), then the tenant. Returns the
-- rows deleted per table, or null when the tenant is not due (restored, or gone already).
create function purge_tenant(p_tenant uuid)
  returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  tab record;
  changed bigint;
  result jsonb := '{}';
begin
  perform set_config('app.tenant_id', p_tenant::text, true);
  perform 1 from tenants where id = p_tenant and deletion_due_at < now() for update;
  if not found then return null; end if;
  -- Children before parents: a table is emptied once no other table's rows of this tenant
  -- still reference it (what cascades from here is counted where it is deleted).
  for tab in
    with recursive tables as (
      select c.oid, c.relname as name
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> 'tenants'
         and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')
    ), depth (oid, level) as (
      select t.oid, 0 from tables t
      union all
      select f.confrelid, d.level + 1
        from depth d join pg_constraint f on f.conrelid = d.oid and f.contype = 'f'
       where f.confrelid <> d.oid and f.confrelid in (select oid from tables) and d.level < 50
    )
    select t.name, max(d.level) as level from tables t join depth d on d.oid = t.oid
     group by t.name order by max(d.level), t.name
  loop
    execute format('delete from %I where tenant_id = $1', tab.name) using p_tenant;
    get diagnostics changed = row_count;
    if changed > 0 then result := result || jsonb_build_object(tab.name, changed); end if;
  end loop;
  delete from tenants where id = p_tenant;
  return result;
end
$$;
revoke all on function purge_tenant(uuid) from public;
grant execute on function purge_tenant(uuid) to devctx_app;

-- A tenant scheduled for deletion takes in nothing more: no scheduled GitHub sync, and no
-- webhook delivery (its repositories answer as unknown ones).
create or replace function repositories_due_for_sync(p_limit integer)
  returns table (tenant_id uuid, id uuid)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select r.tenant_id, r.id
    from repositories r
    join tenants t on t.id = r.tenant_id and t.deletion_due_at is null
   where r.sync_enabled and r.provider = 'github'
     and (r.last_synced_at is null
          or r.last_synced_at < now() - make_interval(mins => r.sync_interval_minutes))
   order by r.last_synced_at nulls first
   limit p_limit
$$;

create or replace function webhook_target(p_repository_id uuid)
  returns table (tenant_id uuid, provider text, webhook_secret bytea, previous_webhook_secret bytea)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select r.tenant_id, r.provider, r.webhook_secret,
         case when r.previous_secret_expires_at > now() then r.previous_webhook_secret end
    from repositories r
    join tenants t on t.id = r.tenant_id and t.deletion_due_at is null
   where r.id = p_repository_id
$$;
