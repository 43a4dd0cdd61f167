-- Speed (issue 23): authentication may be cached per instance for a few seconds, and the
-- hourly request budget counted in memory.

-- An instance's spends of the last second, written to the shared bucket at once: refilled
-- as rate_limit_take refills, then less `p_spent` even past zero (down to one window's
-- worth), so what instances let through together before they learned of each other is
-- paid back by waiting. Returns the tokens left, which each instance then counts down from.
create function rate_limit_spend(p_key text, p_capacity integer, p_window_seconds integer,
                                 p_spent integer)
  returns double precision
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  insert into rate_limit_buckets as b (key, tokens, refilled_at)
  values (p_key, greatest(-p_capacity, p_capacity - p_spent), now())
  on conflict (key) do update
    set tokens = greatest(-p_capacity,
                          least(p_capacity, b.tokens + extract(epoch from now() - b.refilled_at)
                                                       * p_capacity / p_window_seconds)
                          - p_spent),
        refilled_at = now()
  returning tokens
$$;
revoke all on function rate_limit_spend(text, integer, integer, integer) from public;
grant execute on function rate_limit_spend(text, integer, integer, integer) to devctx_app;

-- Whatever authenticate_request reads, changed: every long-running instance LISTENing on
-- devctx_auth drops its cached authentications of that tenant ('*': of every tenant) at
-- once, instead of when they expire. Only the columns authentication reads fire it.
create function notify_auth_changed() returns trigger
  language plpgsql
as $$
declare
  v_row jsonb := to_jsonb(case when tg_op = 'DELETE' then old else new end);
begin
  perform pg_notify('devctx_auth', case tg_table_name
                                     when 'tiers' then '*'
                                     when 'tenants' then v_row ->> 'id'
                                     else v_row ->> 'tenant_id' end);
  return null;
end
$$;

create trigger auth_changed after update of revoked_at, expires_at, user_id or delete
  on auth_sessions for each row execute function notify_auth_changed();
create trigger auth_changed after update of revoked_at, expires_at, permissions, secret_hash
  or delete on api_keys for each row execute function notify_auth_changed();
create trigger auth_changed after update of status, email_verified_at or delete
  on users for each row execute function notify_auth_changed();
create trigger auth_changed after insert or update or delete
  on user_roles for each row execute function notify_auth_changed();
create trigger auth_changed after update of permissions, system_key or delete
  on roles for each row execute function notify_auth_changed();
create trigger auth_changed
  after update of status, tier, require_verified_email, deletion_due_at or delete
  on tenants for each row execute function notify_auth_changed();
create trigger auth_changed after update of requests_per_hour
  on tiers for each row execute function notify_auth_changed();

-- authenticate_caller, and until when the credential holds by itself (the key's or the
-- session's expiry): a cached authentication never outlives it.
create function authenticate_caller_until(p_tenant uuid, p_session uuid, p_user uuid,
                                          p_api_key_hash bytea)
  returns table (user_id uuid, api_key_id uuid, system_roles text[], custom_permissions text[],
                 key_permissions text[], requests_per_hour integer, writes_withheld text,
                 valid_until timestamptz)
  language plpgsql volatile
as $$
begin
  perform set_config('app.tenant_id', p_tenant::text, true);
  return query
    select a.*, least(k.expires_at, s.expires_at)
      from authenticate_caller(p_tenant, p_session, p_user, p_api_key_hash) a
      left join api_keys k on k.tenant_id = p_tenant and k.id = a.api_key_id
      left join auth_sessions s on s.tenant_id = p_tenant and s.id = p_session;
end
$$;
revoke all on function authenticate_caller_until(uuid, uuid, uuid, bytea) from public;
grant execute on function authenticate_caller_until(uuid, uuid, uuid, bytea) to devctx_app;
