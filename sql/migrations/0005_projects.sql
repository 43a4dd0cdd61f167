-- Projects, their versioned plans, task lists (sections, tasks, dependencies, comments).

create table projects (
  tenant_id   uuid not null references tenants (id) on delete cascade,
  id          uuid not null default gen_random_uuid(),
  slug        text not null check (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'),
  name        text not null check (length(name) between 1 and 200),
  description text not null default '' check (length(description) <= 5000),
  status      text not null default 'active' check (status in ('active', 'archived')),
  team_id     uuid,
  created_by  uuid,
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, slug),
  foreign key (tenant_id, team_id) references teams (tenant_id, id) on delete set null (team_id)
);
create trigger projects_updated_at before update on projects for each row execute function set_updated_at();

create function projects_count_usage() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' then
    perform bump_usage(new.tenant_id, 'projects', 1);
  else
    perform bump_usage(old.tenant_id, 'projects', -1);
  end if;
  return null;
end
$$;
create trigger projects_usage after insert or delete on projects
  for each row execute function projects_count_usage();

create table project_plans (
  tenant_id  uuid not null,
  project_id uuid not null,
  version    integer not null check (version >= 1),
  markdown   text not null check (length(markdown) <= 1000000),
  phases     jsonb not null default '[]',
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, project_id, version),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
);

create table task_lists (
  tenant_id     uuid not null,
  id            uuid not null default gen_random_uuid(),
  project_id    uuid not null,
  name          text not null check (length(name) between 1 and 200),
  description   text not null default '' check (length(description) <= 5000),
  import_report jsonb,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete cascade
);
create index task_lists_by_project on task_lists (tenant_id, project_id, created_at);
create trigger task_lists_updated_at before update on task_lists for each row execute function set_updated_at();

create table task_sections (
  tenant_id    uuid not null,
  id           uuid not null default gen_random_uuid(),
  task_list_id uuid not null,
  number       text,
  title        text not null check (length(title) between 1 and 500),
  level        smallint not null check (level between 1 and 6),
  position     integer not null,
  primary key (tenant_id, id),
  foreign key (tenant_id, task_list_id) references task_lists (tenant_id, id) on delete cascade
);
create index task_sections_by_list on task_sections (tenant_id, task_list_id, position);

create table tasks (
  tenant_id      uuid not null,
  id             uuid not null default gen_random_uuid(),
  task_list_id   uuid not null,
  section_id     uuid,
  parent_task_id uuid,
  title          text not null check (length(title) between 1 and 1000),
  description    text not null default '' check (length(description) <= 20000),
  status         text not null default 'pending'
                 check (status in ('pending', 'in_progress', 'completed', 'blocked', 'cancelled')),
  checked        boolean not null default false,
  priority       text check (priority in ('P0', 'P1', 'P2', 'P3')),
  assignee_id    uuid,
  due_date       date,
  estimate_hours numeric(8, 2) check (estimate_hours >= 0),
  -- Fractional positions: a task moves between two others without renumbering the list.
  position       double precision not null,
  labels         text[] not null default '{}',
  completed_at   timestamptz,
  created_at     timestamptz not null default now(),
  updated_at     timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, task_list_id) references task_lists (tenant_id, id) on delete cascade,
  foreign key (tenant_id, section_id) references task_sections (tenant_id, id) on delete set null (section_id),
  foreign key (tenant_id, parent_task_id) references tasks (tenant_id, id) on delete cascade,
  foreign key (tenant_id, assignee_id) references users (tenant_id, id) on delete set null (assignee_id),
  -- The checkbox, the status and completed_at never disagree.
  check (checked = (status = 'completed')),
  check ((completed_at is not null) = checked)
);
create index tasks_by_list on tasks (tenant_id, task_list_id, position, id);
create index tasks_by_assignee on tasks (tenant_id, assignee_id) where assignee_id is not null;
create trigger tasks_updated_at before update on tasks for each row execute function set_updated_at();

-- Keeps checked, status and completed_at in step whichever of them a write changes.
create function tasks_keep_completion_consistent() returns trigger
  language plpgsql
as $$
begin
  if tg_op = 'UPDATE' and new.checked is distinct from old.checked and new.status is not distinct from old.status then
    new.status := case when new.checked then 'completed' else 'pending' end;
  elsif new.status = 'completed' then
    new.checked := true;
  elsif tg_op = 'INSERT' and new.checked then
    new.status := 'completed';
  else
    new.checked := false;
  end if;
  if new.checked and new.completed_at is null then
    new.completed_at := now();
  elsif not new.checked then
    new.completed_at := null;
  end if;
  return new;
end
$$;
create trigger tasks_completion before insert or update on tasks
  for each row execute function tasks_keep_completion_consistent();

create table task_dependencies (
  tenant_id     uuid not null,
  task_id       uuid not null,
  depends_on_id uuid not null,
  created_at    timestamptz not null default now(),
  primary key (tenant_id, task_id, depends_on_id),
  foreign key (tenant_id, task_id) references tasks (tenant_id, id) on delete cascade,
  foreign key (tenant_id, depends_on_id) references tasks (tenant_id, id) on delete cascade,
  check (task_id <> depends_on_id)
);
create index task_dependencies_reverse on task_dependencies (tenant_id, depends_on_id);

create table task_comments (
  tenant_id  uuid not null,
  id         uuid not null default gen_random_uuid(),
  task_id    uuid not null,
  author_id  uuid,
  body       text not null check (length(body) between 1 and 20000),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, task_id) references tasks (tenant_id, id) on delete cascade,
  foreign key (tenant_id, author_id) references users (tenant_id, id) on delete set null (author_id)
);
create index task_comments_by_task on task_comments (tenant_id, task_id, created_at);

do $$
declare
  t text;
begin
  foreach t in array array['projects', 'project_plans', 'task_lists', 'task_sections', 'tasks',
                           'task_dependencies', 'task_comments']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy %I on %I using (tenant_id = (select current_tenant_id()))
         with check (tenant_id = (select current_tenant_id()))', t || '_isolation', t);
    execute format('grant select, insert, update, delete on %I to devctx_app', t);
  end loop;
end
$$;
-- Plans are versioned: a version once written is never changed.
revoke update, delete on project_plans from devctx_app;
