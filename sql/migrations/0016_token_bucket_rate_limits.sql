-- Rate limits as token buckets instead of clock-aligned windows: a window boundary let
-- twice the budget through in a moment, and an exhausted window stayed shut until the
-- hour turned. A bucket holds up to `capacity` tokens and refills continuously at
-- capacity per window; a request takes `cost` tokens if they are there. A refused
-- request takes nothing, so a client that keeps knocking is let in again as the bucket
-- refills, never later. A cost of 0 takes nothing but says whether a cost of 1 would be
-- allowed: how a failure budget is checked before the attempt it would pay for.
--
-- The previous release still calls rate_limit_hit while this one deploys; it stays until
-- the next migration that drops it.
create unlogged table rate_limit_buckets (
  key          text primary key,
  tokens       double precision not null,
  refilled_at  timestamptz not null
);

create function rate_limit_take(p_key text, p_capacity integer, p_window_seconds integer,
                                p_cost integer default 1)
  returns table (allowed boolean, remaining integer, retry_after_seconds integer,
                 reset_seconds integer)
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_rate double precision := p_capacity::double precision / p_window_seconds;
  v_needed integer := greatest(p_cost, 1);
  v_tokens double precision;
begin
  insert into rate_limit_buckets as b (key, tokens, refilled_at)
  values (p_key, p_capacity, now())
  on conflict (key) do update
    set tokens = least(p_capacity,
                       b.tokens + extract(epoch from now() - b.refilled_at) * v_rate),
        refilled_at = now()
  returning b.tokens into v_tokens;
  allowed := v_tokens >= v_needed;
  if allowed and p_cost > 0 then
    v_tokens := v_tokens - p_cost;
    update rate_limit_buckets set tokens = v_tokens where key = p_key;
  end if;
  remaining := floor(v_tokens);
  retry_after_seconds := case when allowed then 0
                              else ceil((v_needed - v_tokens) / v_rate) end;
  reset_seconds := ceil((p_capacity - v_tokens) / v_rate);
  return next;
end
$$;
revoke all on function rate_limit_take(text, integer, integer, integer) from public;
grant execute on function rate_limit_take(text, integer, integer, integer) to devctx_app;

-- authenticate_request, now also given the user the access token names (its `sub`): a
-- session answers only for its own user, so a token whose `sub` and `sid` disagree is
-- refused even though both exist. The three-argument form stays for the release before.
create function authenticate_request(p_tenant uuid, p_session uuid, p_user uuid,
                                     p_api_key_hash bytea)
  returns table (user_id uuid, api_key_id uuid, system_roles text[], custom_permissions text[],
                 key_permissions text[], requests_per_hour integer)
  language plpgsql volatile
as $$
begin
  if p_session is not null and p_user is null then
    return;
  end if;
  return query
    select a.* from authenticate_request(p_tenant, p_session, p_api_key_hash) a
     where p_session is null or a.user_id = p_user;
end
$$;
revoke all on function authenticate_request(uuid, uuid, uuid, bytea) from public;
grant execute on function authenticate_request(uuid, uuid, uuid, bytea) to devctx_app;

-- Buckets untouched for a day are full again: forgetting them changes nothing.
create or replace function purge_expired() returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  v_sessions integer;
  v_invitations integer;
  v_idempotency integer;
  v_windows integer;
  v_buckets integer;
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
  delete from rate_limit_buckets where refilled_at < now() - interval '1 day';
  get diagnostics v_buckets = row_count;
  delete from jobs where state = 'succeeded' and finished_at < now() - interval '30 days';
  get diagnostics v_jobs = row_count;
  return jsonb_build_object('sessions', v_sessions, 'invitations', v_invitations,
                            'idempotencyKeys', v_idempotency,
                            'rateLimitWindows', v_windows + v_buckets,
                            'finishedJobs', v_jobs);
end
$$;
