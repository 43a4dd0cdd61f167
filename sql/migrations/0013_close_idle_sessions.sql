-- AI sessions that were never ended (the assistant crashed, the laptop closed) are ended
-- by the scheduler once idle: at their last message, or at their start when they have none.
do $$
declare
  t text;
begin
  foreach t in array array['ai_sessions', 'messages']
  loop
    execute format('create policy %I on %I to devctx_owner using (true) with check (true)',
                   t || '_maintenance', t);
  end loop;
end
$$;

create function close_idle_sessions(p_idle_minutes integer) returns integer
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  with activity as (
    select s.tenant_id, s.id,
           greatest(s.started_at,
                    coalesce((select max(coalesce(m.occurred_at, m.created_at)) from messages m
                               where m.tenant_id = s.tenant_id and m.session_id = s.id),
                             s.started_at)) as last_at
      from ai_sessions s
     where s.ended_at is null
  ),
  closed as (
    update ai_sessions s set ended_at = a.last_at
      from activity a
     where s.tenant_id = a.tenant_id and s.id = a.id
       and a.last_at < now() - make_interval(mins => p_idle_minutes)
    returning 1
  )
  select count(*)::integer from closed
$$;
revoke all on function close_idle_sessions(integer) from public;
grant execute on function close_idle_sessions(integer) to devctx_app;
create index ai_sessions_open on ai_sessions (tenant_id, started_at) where ended_at is null;
