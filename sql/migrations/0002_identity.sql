-- Identity and access: tiers and usage counters, roles, teams, sign-in sessions with
-- rotating refresh tokens, API keys, invitations, rate-limit counters and the audit log.

-- Tiers are product data, the same for every tenant: readable by all, writable by none.
create table tiers (
  tier              text primary key,
  max_users         integer not null,
  max_projects      integer not null,
  max_repositories  integer not null,
  max_messages      bigint not null,
  max_storage_bytes bigint not null,
  requests_per_hour integer not null
);
insert into tiers values
  ('free',       5,      3,      3,      10000,      104857600,     1000),
  ('pro',        50,     100,    100,    1000000,    10737418240,   10000),
  ('enterprise', 100000, 100000, 100000, 1000000000, 1099511627776, 100000);
alter table tiers enable row level security;
alter table tiers force row level security;
create policy tiers_readable on tiers for select using (true);
grant select on tiers to devctx_app;

alter table tenants add constraint tenants_tier_fkey foreign key (tier) references tiers (tier);
grant update (tier) on tenants to devctx_app;

-- SECURITY DEFINER functions run as devctx_owner; forced RLS applies to it too, so this
-- policy is what lets those few narrow functions find a tenant by slug.
create policy tenants_definer_lookup on tenants for select to devctx_owner using (true);

-- Usage counters, kept in step by triggers in the same transaction as the rows they count.
create table tenant_usage (
  tenant_id     uuid primary key references tenants (id) on delete cascade,
  users         integer not null default 0,
  projects      integer not null default 0,
  repositories  integer not null default 0,
  messages      bigint not null default 0,
  storage_bytes bigint not null default 0,
  updated_at    timestamptz not null default now()
);
alter table tenant_usage enable row level security;
alter table tenant_usage force row level security;
create policy tenant_usage_isolation on tenant_usage
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select on tenant_usage to devctx_app;

-- Adds delta to one counter and, when growing, refuses to pass the tier's limit. The row
-- lock on tenant_usage serialises concurrent creations within a tenant, so two requests
-- cannot both take the last seat. SQLSTATE DC001 carries 'resource:limit' to the app.
create function bump_usage(p_tenant uuid, p_resource text, p_delta bigint) returns void
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v_used bigint;
  v_limit bigint;
begin
  if p_resource not in ('users', 'projects', 'repositories', 'messages', 'storage_bytes') then
    raise exception 'unknown usage counter %', p_resource;
  end if;
  execute format(
    'update tenant_usage set %1$I = greatest(%1$I + $1, 0), updated_at = now()
      where tenant_id = $2 returning %1$I', p_resource)
    into v_used using p_delta, p_tenant;
  if p_delta > 0 then
    execute format('select t.%I from tenants n join tiers t on t.tier = n.tier where n.id = $1',
                   'max_' || p_resource)
      into v_limit using p_tenant;
    if v_used > v_limit then
      raise exception using errcode = 'DC001', message = format('%s:%s', p_resource, v_limit);
    end if;
  end if;
end
$$;
revoke all on function bump_usage(uuid, text, bigint) from public;

-- Signup: the one place a tenant row is created. Sets the new tenant for the rest of the
-- caller's transaction, so its owner, roles and session are written under RLS as usual.
create function create_tenant(p_slug text, p_name text) returns uuid
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v_id uuid := gen_random_uuid();
begin
  perform set_config('app.tenant_id', v_id::text, true);
  insert into tenants (id, slug, name) values (v_id, p_slug, p_name);
  insert into tenant_usage (tenant_id) values (v_id);
  return v_id;
end
$$;
revoke all on function create_tenant(text, text) from public;
grant execute on function create_tenant(text, text) to devctx_app;

-- Login by tenant slug: answers only the id of an active tenant, nothing else.
create function tenant_id_by_slug(p_slug text) returns uuid
  language sql stable security definer set search_path = pg_catalog, public
as $$ select id from tenants where slug = p_slug and status = 'active' $$;
revoke all on function tenant_id_by_slug(text) from public;
grant execute on function tenant_id_by_slug(text) to devctx_app;

create function users_count_usage() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' and new.status <> 'deactivated' then
    perform bump_usage(new.tenant_id, 'users', 1);
  elsif tg_op = 'UPDATE' and (old.status = 'deactivated') <> (new.status = 'deactivated') then
    perform bump_usage(new.tenant_id, 'users', case when new.status = 'deactivated' then -1 else 1 end);
  elsif tg_op = 'DELETE' and old.status <> 'deactivated' then
    perform bump_usage(old.tenant_id, 'users', -1);
  end if;
  return null;
end
$$;
create trigger users_usage after insert or update of status or delete on users
  for each row execute function users_count_usage();

-- Roles: the system roles (system_key set; permissions come from the code's catalogue) and
-- the tenant's custom roles (permissions stored here).
create table roles (
  tenant_id   uuid not null references tenants (id) on delete cascade,
  id          uuid not null default gen_random_uuid(),
  name        text not null check (length(name) between 1 and 64),
  description text not null default '' check (length(description) <= 500),
  system_key  text check (system_key in ('owner', 'admin', 'member', 'viewer', 'auditor')),
  permissions text[] not null default '{}',
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
create trigger roles_updated_at before update on roles for each row execute function set_updated_at();

create table user_roles (
  tenant_id  uuid not null,
  user_id    uuid not null,
  role_id    uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, role_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade,
  foreign key (tenant_id, role_id) references roles (tenant_id, id) on delete cascade
);
create index user_roles_by_role on user_roles (tenant_id, role_id);

create table teams (
  tenant_id   uuid not null references tenants (id) on delete cascade,
  id          uuid not null default gen_random_uuid(),
  name        text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 1000),
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
create trigger teams_updated_at before update on teams for each row execute function set_updated_at();

create table team_members (
  tenant_id  uuid not null,
  team_id    uuid not null,
  user_id    uuid not null,
  team_role  text not null default 'member' check (team_role in ('maintainer', 'member')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, team_id, user_id),
  foreign key (tenant_id, team_id) references teams (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index team_members_by_user on team_members (tenant_id, user_id);

-- A sign-in session is one refresh-token family: every refresh rotates the token; showing
-- an already-used token revokes the whole session.
create table auth_sessions (
  tenant_id       uuid not null,
  id              uuid not null default gen_random_uuid(),
  user_id         uuid not null,
  created_at      timestamptz not null default now(),
  expires_at      timestamptz not null,
  idle_expires_at timestamptz not null,
  last_used_at    timestamptz not null default now(),
  revoked_at      timestamptz,
  revoked_reason  text,
  ip              text,
  user_agent      text,
  primary key (tenant_id, id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index auth_sessions_by_user on auth_sessions (tenant_id, user_id) where revoked_at is null;

create table refresh_tokens (
  tenant_id  uuid not null,
  id         uuid not null default gen_random_uuid(),
  session_id uuid not null,
  token_hash bytea not null,
  created_at timestamptz not null default now(),
  used_at    timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, session_id) references auth_sessions (tenant_id, id) on delete cascade
);
create index refresh_tokens_by_session on refresh_tokens (tenant_id, session_id);

create table api_keys (
  tenant_id    uuid not null,
  id           uuid not null default gen_random_uuid(),
  user_id      uuid not null,
  name         text not null check (length(name) between 1 and 100),
  prefix       text not null,
  secret_hash  bytea not null,
  permissions  text[] not null,
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, secret_hash),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index api_keys_by_user on api_keys (tenant_id, user_id, created_at);

create table invitations (
  tenant_id   uuid not null,
  id          uuid not null default gen_random_uuid(),
  user_id     uuid not null,
  token_hash  bytea not null,
  invited_by  uuid not null,
  expires_at  timestamptz not null,
  accepted_at timestamptz,
  created_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index invitations_by_user on invitations (tenant_id, user_id);

create table audit_log (
  tenant_id      uuid not null references tenants (id) on delete cascade,
  id             uuid not null default gen_random_uuid(),
  -- Exact, gap-tolerant order for keyset pagination (timestamps can tie).
  seq            bigint generated always as identity,
  occurred_at    timestamptz not null default clock_timestamp(),
  action         text not null,
  actor_user_id  uuid,
  actor_api_key_id uuid,
  target_type    text,
  target_id      text,
  ip             text,
  user_agent     text,
  request_id     text,
  details        jsonb not null default '{}',
  primary key (tenant_id, id)
);
create index audit_log_recent on audit_log (tenant_id, seq desc);

do $$
declare
  t text;
begin
  foreach t in array array['roles', 'user_roles', 'teams', 'team_members', 'auth_sessions',
                           'refresh_tokens', 'api_keys', 'invitations', 'audit_log']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy %I on %I using (tenant_id = (select current_tenant_id()))
         with check (tenant_id = (select current_tenant_id()))', t || '_isolation', t);
  end loop;
end
$$;

grant select, insert, update, delete on roles, user_roles, teams, team_members to devctx_app;
grant select, insert, update on auth_sessions, refresh_tokens, api_keys, invitations to devctx_app;
-- The audit log is append-only for the application.
grant select, insert on audit_log to devctx_app;

-- Rate-limit counters: fixed windows per key, shared by every instance. Not tenant data
-- (anonymous callers are counted by IP); reached only through rate_limit_hit.
create unlogged table rate_limit_counters (
  key          text not null,
  window_start timestamptz not null,
  hits         integer not null,
  primary key (key, window_start)
);

create function rate_limit_hit(p_key text, p_window_seconds integer, p_cost integer default 1)
  returns table (hits integer, reset_at timestamptz)
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  insert into rate_limit_counters as c (key, window_start, hits)
  values (p_key,
          to_timestamp(floor(extract(epoch from now()) / p_window_seconds) * p_window_seconds),
          p_cost)
  on conflict (key, window_start) do update set hits = c.hits + excluded.hits
  returning c.hits, c.window_start + make_interval(secs => p_window_seconds)
$$;
revoke all on function rate_limit_hit(text, integer, integer) from public;
grant execute on function rate_limit_hit(text, integer, integer) to devctx_app;

-- Everything an authenticated request needs to know, in one statement (one round trip):
-- is the session (or API key) still valid, is the user still active, which roles and key
-- permissions apply now, and the tier's request budget. Revocation, deactivation and a
-- password change therefore take effect on the very next request.
create function authenticate_request(p_tenant uuid, p_session uuid, p_api_key_hash bytea)
  returns table (user_id uuid, api_key_id uuid, system_roles text[], custom_permissions text[],
                 key_permissions text[], requests_per_hour integer)
  language plpgsql volatile
as $$
begin
  perform set_config('app.tenant_id', p_tenant::text, true);
  return query
    with principal as (
      select s.user_id, null::uuid as api_key_id, null::text[] as key_permissions
        from auth_sessions s
       where p_session is not null and s.tenant_id = p_tenant and s.id = p_session
         and s.revoked_at is null and s.expires_at > now()
      union all
      select k.user_id, k.id, k.permissions
        from api_keys k
       where p_api_key_hash is not null and k.tenant_id = p_tenant and k.secret_hash = p_api_key_hash
         and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())
    )
    select p.user_id, p.api_key_id,
           coalesce(array_agg(distinct r.system_key) filter (where r.system_key is not null), '{}'),
           coalesce((select array_agg(distinct perm) from user_roles ur2
                       join roles r2 on r2.tenant_id = ur2.tenant_id and r2.id = ur2.role_id
                       cross join unnest(r2.permissions) as perm
                      where ur2.tenant_id = p_tenant and ur2.user_id = p.user_id), '{}'),
           p.key_permissions,
           t.requests_per_hour
      from principal p
      join users u on u.tenant_id = p_tenant and u.id = p.user_id and u.status = 'active'
      join tenants n on n.id = p_tenant and n.status = 'active'
      join tiers t on t.tier = n.tier
      left join user_roles ur on ur.tenant_id = p_tenant and ur.user_id = p.user_id
      left join roles r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
     group by p.user_id, p.api_key_id, p.key_permissions, t.requests_per_hour;
  -- Last use of a key, at most once a minute so a busy key does not write on every call.
  if p_api_key_hash is not null then
    update api_keys set last_used_at = now()
     where tenant_id = p_tenant and secret_hash = p_api_key_hash
       and (last_used_at is null or last_used_at < now() - interval '1 minute');
  end if;
end
$$;
revoke all on function authenticate_request(uuid, uuid, bytea) from public;
grant execute on function authenticate_request(uuid, uuid, bytea) to devctx_app;
