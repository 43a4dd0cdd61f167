-- Background jobs: a transactional outbox. A job row is written in the same transaction as
-- the data it is about, so it exists if and only if that transaction committed; it is then
-- handed to Cloud Tasks (or the local dispatcher), and the worker records every attempt.
create table jobs (
  tenant_id     uuid not null references tenants (id) on delete cascade,
  id            uuid not null default gen_random_uuid(),
  kind          text not null check (kind ~ '^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$'),
  payload       jsonb not null default '{}',
  -- pending: committed, not yet handed over; dispatched: handed to the queue;
  -- running: an attempt in progress; succeeded / dead: final.
  state         text not null default 'pending'
                check (state in ('pending', 'dispatched', 'running', 'succeeded', 'dead')),
  attempts      integer not null default 0,
  max_attempts  integer not null default 5 check (max_attempts between 1 and 100),
  run_after     timestamptz not null default now(),
  dispatched_at timestamptz,
  last_error    text,
  result        jsonb,
  created_by    uuid,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  finished_at   timestamptz,
  primary key (tenant_id, id)
);
create trigger jobs_updated_at before update on jobs for each row execute function set_updated_at();
create index jobs_by_state on jobs (tenant_id, state, created_at desc);
-- The sweep's and the local dispatcher's scan: only unfinished jobs, oldest due first.
create index jobs_due on jobs (run_after) where state in ('pending', 'dispatched', 'running');

alter table jobs enable row level security;
alter table jobs force row level security;
create policy jobs_isolation on jobs
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update on jobs to devctx_app;

-- Maintenance crosses tenants. It goes through the SECURITY DEFINER functions below (owned
-- by devctx_owner) and never through the request path; these policies let exactly that
-- owner see every tenant's rows of the tables maintenance touches.
do $$
declare
  t text;
begin
  foreach t in array array['jobs', 'auth_sessions', 'refresh_tokens', 'invitations',
                           'idempotency_keys', 'tenant_usage', 'users']
  loop
    execute format('create policy %I on %I to devctx_owner using (true) with check (true)',
                   t || '_maintenance', t);
  end loop;
end
$$;

-- Hands out jobs that are due: pending ones, dispatched ones whose delivery never came
-- (lease expired), and running ones abandoned by a crashed worker. Each claimed job gets a
-- new lease, so two sweeps never hand out the same job at the same time. p_kinds limits it
-- to the kinds the caller can run (the local dispatcher); null means every kind.
create function claim_due_jobs(p_limit integer, p_lease_seconds integer, p_kinds text[] default null)
  returns table (tenant_id uuid, id uuid, kind text)
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
  returning j.tenant_id, j.id, j.kind
$$;
revoke all on function claim_due_jobs(integer, integer, text[]) from public;
grant execute on function claim_due_jobs(integer, integer, text[]) to devctx_app;

-- Scheduled clean-up of everything that expires; returns what it removed, per kind.
create function purge_expired() returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_sessions integer;
  v_invitations integer;
  v_idempotency integer;
  v_windows integer;
  v_jobs integer;
begin
  delete from auth_sessions
   where expires_at < now() - interval '1 day'
      or (revoked_at is not null and revoked_at < now() - interval '1 day')
      or idle_expires_at < now() - interval '1 day';
  get diagnostics v_sessions = row_count;
  delete from invitations where accepted_at is null and expires_at < now();
  get diagnostics v_invitations = row_count;
  delete from idempotency_keys where expires_at < now();
  get diagnostics v_idempotency = row_count;
  delete from rate_limit_counters where window_start < now() - interval '1 day';
  get diagnostics v_windows = row_count;
  delete from jobs where state = 'succeeded' and finished_at < now() - interval '30 days';
  get diagnostics v_jobs = row_count;
  return jsonb_build_object('sessions', v_sessions, 'invitations', v_invitations,
                            'idempotencyKeys', v_idempotency, 'rateLimitWindows', v_windows,
                            'finishedJobs', v_jobs);
end
$$;
revoke all on function purge_expired() from public;
grant execute on function purge_expired() to devctx_app;

-- Recounts the usage counters from the rows they count and repairs any drift; returns the
-- tenants whose counters were wrong.
create function reconcile_usage() returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_fixed jsonb;
begin
  with actual as (
    select n.id as tenant_id,
           (select count(*) from users u where u.tenant_id = n.id and u.status <> 'deactivated')::integer as users
      from tenants n
  ), fixed as (
    update tenant_usage t set users = a.users, updated_at = now()
      from actual a
     where t.tenant_id = a.tenant_id and t.users <> a.users
    returning t.tenant_id
  )
  select coalesce(jsonb_agg(tenant_id), '[]'::jsonb) into v_fixed from fixed;
  return jsonb_build_object('repairedTenants', v_fixed);
end
$$;
revoke all on function reconcile_usage() from public;
grant execute on function reconcile_usage() to devctx_app;
