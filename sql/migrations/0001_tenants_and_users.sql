-- Tenancy core: tenants, users, and the helpers every row-level-security policy uses.
-- Runs as devctx_owner, which then owns everything; devctx_app only gets the grants below.

-- The current tenant, or NULL when none is set. After a pooled connection has run a tenant
-- transaction the setting exists but is '' — nullif makes that fail closed too: comparisons
-- with NULL match no row.
create function current_tenant_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create function current_actor_id() returns uuid
  language sql stable parallel safe
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

create function set_updated_at() returns trigger
  language plpgsql
  as $$ begin new.updated_at := now(); return new; end $$;

revoke all on function current_tenant_id(), current_actor_id(), set_updated_at() from public;
grant execute on function current_tenant_id(), current_actor_id() to devctx_app;

create table tenants (
  id         uuid primary key default gen_random_uuid(),
  slug       text not null unique
             check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  name       text not null check (length(name) between 1 and 200),
  tier       text not null default 'free' check (tier in ('free', 'pro', 'enterprise')),
  status     text not null default 'active' check (status in ('active', 'suspended')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger tenants_updated_at before update on tenants
  for each row execute function set_updated_at();

alter table tenants enable row level security;
alter table tenants force row level security;
-- A tenant sees only itself. Creating tenants (signup) crosses tenants and goes through a
-- narrow SECURITY DEFINER function, so the runtime role gets no INSERT or DELETE here.
create policy tenants_isolation on tenants
  using (id = (select current_tenant_id()))
  with check (id = (select current_tenant_id()));
grant select, update (name, updated_at) on tenants to devctx_app;

create table users (
  tenant_id     uuid not null references tenants (id) on delete cascade,
  id            uuid not null default gen_random_uuid(),
  email         text not null check (length(email) between 3 and 320 and email = lower(email)),
  name          text not null check (length(name) between 1 and 200),
  password_hash text,
  status        text not null default 'active' check (status in ('invited', 'active', 'deactivated')),
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, email)
);

create trigger users_updated_at before update on users
  for each row execute function set_updated_at();

alter table users enable row level security;
alter table users force row level security;
create policy users_isolation on users
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update, delete on users to devctx_app;
