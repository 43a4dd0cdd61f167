-- Repositories, their commits, GitHub webhook deliveries and sync events.

create table repositories (
  tenant_id        uuid not null references tenants (id) on delete cascade,
  id               uuid not null default gen_random_uuid(),
  provider         text not null check (provider in ('github', 'gitlab', 'generic')),
  full_name        text not null check (length(full_name) between 1 and 300),
  url              text check (length(url) <= 2000),
  default_branch   text not null default 'main' check (length(default_branch) between 1 and 255),
  project_id       uuid,
  sync_enabled     boolean not null default false,
  sync_interval_minutes integer not null default 60 check (sync_interval_minutes between 5 and 10080),
  -- The name of the Secret Manager secret (or, locally, the environment variable) that
  -- holds the GitHub token for sync — a reference, never the token.
  token_secret     text check (length(token_secret) <= 255),
  last_synced_at   timestamptz,
  -- AES-256-GCM envelopes (see shared/src/crypto): the current webhook secret, and the
  -- previous one while its grace period lasts.
  webhook_secret            bytea not null,
  previous_webhook_secret   bytea,
  previous_secret_expires_at timestamptz,
  rejected_deliveries bigint not null default 0,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete set null (project_id)
);
create unique index repositories_name on repositories (tenant_id, provider, lower(full_name));
create index repositories_by_project on repositories (tenant_id, project_id);
create trigger repositories_updated_at before update on repositories for each row execute function set_updated_at();

create function repositories_count_usage() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' then
    perform bump_usage(new.tenant_id, 'repositories', 1);
  else
    perform bump_usage(old.tenant_id, 'repositories', -1);
  end if;
  return null;
end
$$;
create trigger repositories_usage after insert or delete on repositories
  for each row execute function repositories_count_usage();

create table commits (
  tenant_id      uuid not null,
  repository_id  uuid not null,
  sha            text not null check (sha ~ '^[0-9a-f]{40}([0-9a-f]{24})?$'),
  author_name    text check (length(author_name) <= 500),
  author_email   text check (length(author_email) <= 500),
  committed_at   timestamptz not null,
  subject        text not null check (length(subject) <= 2000),
  body           text not null default '' check (length(body) <= 100000),
  type           text check (length(type) <= 50),
  scope          text check (length(scope) <= 200),
  breaking       boolean not null default false,
  files_changed  integer check (files_changed >= 0),
  insertions     integer check (insertions >= 0),
  deletions      integer check (deletions >= 0),
  url            text check (length(url) <= 2000),
  branches       text[] not null default '{}',
  source         text not null check (source in ('webhook', 'sync', 'git-log', 'v1-import')),
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (tenant_id, repository_id, sha),
  foreign key (tenant_id, repository_id) references repositories (tenant_id, id) on delete cascade
);
create index commits_recent on commits (tenant_id, repository_id, committed_at desc, sha);
create index commits_by_time on commits (tenant_id, committed_at);
create trigger commits_updated_at before update on commits for each row execute function set_updated_at();

-- A commit message that names a task (task:<id prefix>) links them; a closing keyword
-- (Closes, Fixes, Resolves) also checked the task.
create table commit_tasks (
  tenant_id      uuid not null,
  repository_id  uuid not null,
  sha            text not null,
  task_id        uuid not null,
  closes         boolean not null default false,
  created_at     timestamptz not null default now(),
  primary key (tenant_id, repository_id, sha, task_id),
  foreign key (tenant_id, repository_id, sha) references commits (tenant_id, repository_id, sha) on delete cascade,
  foreign key (tenant_id, task_id) references tasks (tenant_id, id) on delete cascade
);
create index commit_tasks_by_task on commit_tasks (tenant_id, task_id);

create table webhook_deliveries (
  tenant_id      uuid not null,
  id             uuid not null default gen_random_uuid(),
  repository_id  uuid not null,
  delivery_id    text not null check (length(delivery_id) between 1 and 200),
  event          text not null check (length(event) between 1 and 100),
  status         text not null default 'queued'
                 check (status in ('queued', 'processed', 'ignored', 'failed')),
  content_type   text not null,
  payload        bytea not null,
  byte_size      integer not null,
  summary        jsonb,
  error          text,
  attempts       integer not null default 0,
  received_at    timestamptz not null default now(),
  processed_at   timestamptz,
  processing_ms  integer,
  primary key (tenant_id, id),
  unique (tenant_id, repository_id, delivery_id),
  foreign key (tenant_id, repository_id) references repositories (tenant_id, id) on delete cascade
);
create index webhook_deliveries_recent on webhook_deliveries (tenant_id, repository_id, received_at desc, id);

create table sync_events (
  tenant_id      uuid not null,
  id             uuid not null default gen_random_uuid(),
  repository_id  uuid not null,
  trigger        text not null check (trigger in ('manual', 'scheduled', 'upload')),
  source         text not null check (source in ('github', 'git-log')),
  status         text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  fetched        integer not null default 0,
  inserted       integer not null default 0,
  updated        integer not null default 0,
  pages          integer not null default 0,
  error          text,
  started_at     timestamptz not null default now(),
  finished_at    timestamptz,
  duration_ms    integer,
  primary key (tenant_id, id),
  foreign key (tenant_id, repository_id) references repositories (tenant_id, id) on delete cascade
);
create index sync_events_recent on sync_events (tenant_id, repository_id, started_at desc, id);

do $$
declare
  t text;
begin
  foreach t in array array['repositories', 'commits', 'commit_tasks', 'webhook_deliveries', 'sync_events']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy %I on %I using (tenant_id = (select current_tenant_id()))
         with check (tenant_id = (select current_tenant_id()))', t || '_isolation', t);
  end loop;
end
$$;
grant select, insert, update, delete on repositories, commits, commit_tasks to devctx_app;

-- The functions below cross tenants (as 0004's maintenance functions do): this policy lets
-- their owner, and only it, see every repository.
create policy repositories_routing on repositories to devctx_owner using (true) with check (true);
-- Webhooks address a repository by id alone.
create index repositories_by_id on repositories (id);
grant select, insert, update on webhook_deliveries, sync_events to devctx_app;

-- Webhook ingress knows only the repository id from the URL and must find its tenant and
-- secrets before anyone is authenticated: the one narrow crossing, returning only what
-- verifying a signature needs.
create function webhook_target(p_repository_id uuid)
  returns table (tenant_id uuid, provider text, webhook_secret bytea, previous_webhook_secret bytea)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select r.tenant_id, r.provider, r.webhook_secret,
         case when r.previous_secret_expires_at > now() then r.previous_webhook_secret end
    from repositories r
   where r.id = p_repository_id
$$;

-- A delivery whose signature failed leaves only this count behind.
create function webhook_rejected(p_repository_id uuid) returns void
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  update repositories set rejected_deliveries = rejected_deliveries + 1 where id = p_repository_id
$$;
revoke all on function webhook_target(uuid), webhook_rejected(uuid) from public;
grant execute on function webhook_target(uuid), webhook_rejected(uuid) to devctx_app;

-- The scheduled sync looks across tenants for repositories that are due.
create function repositories_due_for_sync(p_limit integer)
  returns table (tenant_id uuid, id uuid)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select r.tenant_id, r.id
    from repositories r
   where r.sync_enabled and r.provider = 'github'
     and (r.last_synced_at is null
          or r.last_synced_at < now() - make_interval(mins => r.sync_interval_minutes))
   order by r.last_synced_at nulls first
   limit p_limit
$$;
revoke all on function repositories_due_for_sync(integer) from public;
grant execute on function repositories_due_for_sync(integer) to devctx_app;
