-- Imports of v1 exports and Claude Code transcripts: the upload is kept in object
-- storage, a background job writes it, and this row reports status, progress and result.
create table imports (
  tenant_id    uuid not null references tenants (id) on delete cascade,
  id           uuid not null default gen_random_uuid(),
  kind         text not null check (kind in ('v1-export', 'claude-code')),
  status       text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed')),
  storage_key  text not null,
  project_id   uuid,
  created_by   uuid,
  progress     jsonb not null default '{}',
  report       jsonb,
  error        text,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  finished_at  timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete set null (project_id)
);
create index imports_recent on imports (tenant_id, created_at desc);
create trigger imports_updated_at before update on imports for each row execute function set_updated_at();
alter table imports enable row level security;
alter table imports force row level security;
create policy imports_isolation on imports
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update on imports to devctx_app;
