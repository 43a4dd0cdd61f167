-- A job retried by hand is delivered under a new Cloud Tasks task name: Cloud Tasks keeps
-- the name of a finished task blocked for about an hour, so reusing it made the retry a
-- silent no-op. The generation counts the hand retries and goes into the task's name.
alter table jobs add column generation integer not null default 0 check (generation >= 0);

-- The sweep hands out the generation with the job. (The previous release's call, which
-- selects three columns by name, still works.)
drop function claim_due_jobs(integer, integer, text[]);
create function claim_due_jobs(p_limit integer, p_lease_seconds integer, p_kinds text[] default null)
  returns table (tenant_id uuid, id uuid, kind text, generation integer)
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  with due as (
    select j.tenant_id, j.id
      from jobs j
     where j.state in ('pending', 'dispatched', 'running') and j.run_after <= now()
       and (p_kinds is null or j.kind = any (p_kinds))
     order by j.run_after
     limit p_limit
       for update skip locked
  )
  update jobs j
     set state = case when j.state = 'pending' then 'dispatched' else j.state end,
         dispatched_at = now(),
         run_after = now() + make_interval(secs => p_lease_seconds)
    from due
   where j.tenant_id = due.tenant_id and j.id = due.id
  returning j.tenant_id, j.id, j.kind, j.generation
$$;
revoke all on function claim_due_jobs(integer, integer, text[]) from public;
grant execute on function claim_due_jobs(integer, integer, text[]) to devctx_app;
