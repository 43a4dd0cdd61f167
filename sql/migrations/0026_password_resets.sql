-- Password reset by e-mail (issue 22): a single-use token, valid 30 minutes, stored only as
-- its SHA-256. Tenant data like every other table: RLS forced, the runtime role may read,
-- add and mark used, never delete.
create table password_resets (
  tenant_id  uuid not null references tenants (id) on delete cascade,
  id         uuid not null default gen_random_uuid(),
  user_id    uuid not null,
  token_hash bytea not null,
  expires_at timestamptz not null,
  used_at    timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index password_resets_by_user on password_resets (tenant_id, user_id, created_at);

alter table password_resets enable row level security;
alter table password_resets force row level security;
create policy password_resets_isolation on password_resets
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));

grant select, insert, update on password_resets to devctx_app;
