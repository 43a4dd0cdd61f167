-- 1. The trigger of 0024 frees a body with the last message that used it, but not when two
--    transactions delete the last two users of one body at the same moment: each still
--    sees the other's message, so both keep the body. This sweep frees such bodies later
--    (the scheduler runs it every 10 minutes), tenant by tenant, at most p_limit in all.
--    As in the trigger: only bodies no ingest holds (skip locked), references checked in a
--    statement of its own after holding them, and messages read as their tenant.
create function release_unused_bodies(p_limit integer) returns integer
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_tenant uuid;
  v_free bytea[];
  v_left integer := p_limit;
  v_count integer;
  v_released integer := 0;
  v_caller text := current_setting('app.tenant_id', true);
begin
  for v_tenant in select id from tenants order by id loop
    exit when v_left <= 0;
    perform set_config('app.tenant_id', v_tenant::text, true);
    select coalesce(array_agg(x.hash), '{}') into v_free
      from (select b.hash from message_bodies b
             where b.tenant_id = v_tenant
               and not exists (select 1 from messages m
                                where m.tenant_id = b.tenant_id and m.body_hash = b.hash)
             order by b.hash
             limit v_left
               for update skip locked) x;
    delete from message_bodies b
     where b.tenant_id = v_tenant and b.hash = any (v_free)
       and not exists (select 1 from messages m
                        where m.tenant_id = b.tenant_id and m.body_hash = b.hash);
    get diagnostics v_count = row_count;
    v_released := v_released + v_count;
    v_left := v_left - cardinality(v_free);
  end loop;
  perform set_config('app.tenant_id', coalesce(v_caller, ''), true);
  return v_released;
end
$$;
revoke all on function release_unused_bodies(integer) from public;
grant execute on function release_unused_bodies(integer) to devctx_app;

-- 2. The context brief reads a repository's latest sessions (those on a branch first) on
--    every assistant start: both straight from an index, whatever the repository's size.
create index ai_sessions_by_repository_recent
  on ai_sessions (tenant_id, repository_id, started_at desc, id desc);
create index ai_sessions_by_repository_branch_recent
  on ai_sessions (tenant_id, repository_id, git_branch, started_at desc, id desc);
drop index ai_sessions_by_repository;
