-- An import's upload is stored until the import no longer needs it, and counts toward
-- the tenant's storage while it is: uploads were kept for ever and counted nowhere. A
-- succeeded import's upload is deleted at once; a failed one's is kept seven days, for a
-- retry (POST /v1/jobs/{id}/retry), then purged by the scheduler.
alter table imports
  add column upload_bytes     bigint not null default 0 check (upload_bytes >= 0),
  add column upload_purged_at timestamptz;

-- Imports from before this migration did not record their upload's size: they count 0
-- and their uploads stay where they are.

create function imports_count_upload() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' and new.upload_purged_at is null and new.upload_bytes > 0 then
    perform bump_usage(new.tenant_id, 'storage_bytes', new.upload_bytes);
  elsif tg_op = 'UPDATE' and old.upload_purged_at is null and new.upload_purged_at is not null then
    perform bump_usage(new.tenant_id, 'storage_bytes', -old.upload_bytes);
  elsif tg_op = 'DELETE' and old.upload_purged_at is null then
    perform bump_usage(old.tenant_id, 'storage_bytes', -old.upload_bytes);
  end if;
  return null;
end
$$;
create trigger imports_upload_usage after insert or update of upload_purged_at or delete on imports
  for each row execute function imports_count_upload();

-- The uploads of imports that failed more than seven days ago, across tenants, marked
-- purged (their bytes no longer counted) for the scheduler to delete. Maintenance crosses
-- tenants only through this function, owned by devctx_owner, which this policy lets see
-- every tenant's imports.
create policy imports_maintenance on imports to devctx_owner using (true) with check (true);

create function purge_failed_import_uploads(p_limit integer)
  returns table (tenant_id uuid, storage_key text)
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  update imports i set upload_purged_at = now()
   where (i.tenant_id, i.id) in (
           select tenant_id, id from imports
            where status = 'failed' and upload_purged_at is null
              and finished_at < now() - interval '7 days'
            order by finished_at
            limit p_limit
            for update skip locked)
  returning i.tenant_id, i.storage_key
$$;
revoke all on function purge_failed_import_uploads(integer) from public;
grant execute on function purge_failed_import_uploads(integer) to devctx_app;
