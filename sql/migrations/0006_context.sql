-- Development context: AI sessions, their conversations, and messages whose bodies are
-- stored once per tenant, addressed by the SHA-256 of their normalised content.

create table ai_sessions (
  tenant_id    uuid not null references tenants (id) on delete cascade,
  id           uuid not null default gen_random_uuid(),
  tool         text not null check (length(tool) between 1 and 100),
  model        text check (length(model) <= 200),
  external_id  text check (length(external_id) <= 500),
  project_id   uuid,
  user_id      uuid,
  git_branch   text check (length(git_branch) <= 500),
  working_dir  text check (length(working_dir) <= 2000),
  title        text check (length(title) <= 500),
  started_at   timestamptz not null default now(),
  ended_at     timestamptz,
  created_at   timestamptz not null default now(),
  updated_at   timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, project_id) references projects (tenant_id, id) on delete set null (project_id),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete set null (user_id),
  check (ended_at is null or ended_at >= started_at)
);
-- The same tool session pushed twice is one session.
create unique index ai_sessions_external on ai_sessions (tenant_id, tool, external_id) where external_id is not null;
create index ai_sessions_recent on ai_sessions (tenant_id, started_at desc, id desc);
create trigger ai_sessions_updated_at before update on ai_sessions for each row execute function set_updated_at();

create table conversations (
  tenant_id   uuid not null,
  id          uuid not null default gen_random_uuid(),
  session_id  uuid not null,
  title       text check (length(title) <= 500),
  created_at  timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, session_id) references ai_sessions (tenant_id, id) on delete cascade
);
create index conversations_by_session on conversations (tenant_id, session_id, created_at);

-- One row per distinct content in a tenant. Never shared across tenants: the same text in
-- two tenants is two rows, so nobody can learn what another tenant stored.
create table message_bodies (
  tenant_id  uuid not null references tenants (id) on delete cascade,
  hash       bytea not null check (length(hash) = 32),
  content    text not null,
  byte_size  integer not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, hash)
);

create table messages (
  tenant_id        uuid not null,
  id               uuid not null default gen_random_uuid(),
  conversation_id  uuid not null,
  session_id       uuid not null,
  sequence         integer not null check (sequence >= 0),
  role             text not null check (role in ('user', 'assistant', 'system', 'tool')),
  body_hash        bytea not null,
  external_id      text check (length(external_id) <= 500),
  occurred_at      timestamptz,
  input_tokens     integer check (input_tokens >= 0),
  output_tokens    integer check (output_tokens >= 0),
  tool_calls       jsonb not null default '[]',
  file_references  jsonb not null default '[]',
  commands         text[] not null default '{}',
  tags             text[] not null default '{}',
  created_at       timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, conversation_id, sequence),
  foreign key (tenant_id, conversation_id) references conversations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, session_id) references ai_sessions (tenant_id, id) on delete cascade,
  foreign key (tenant_id, body_hash) references message_bodies (tenant_id, hash)
);
create index messages_by_session on messages (tenant_id, session_id, occurred_at);
create index messages_by_body on messages (tenant_id, body_hash);
-- A message pushed again (same external id in the same conversation) is the same message.
create unique index messages_external on messages (tenant_id, conversation_id, external_id) where external_id is not null;

-- Stored bodies count against the tier: messages and bytes, kept in step on insert.
create function message_bodies_count_usage() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  if tg_op = 'INSERT' then
    perform bump_usage(new.tenant_id, 'messages', 1);
    perform bump_usage(new.tenant_id, 'storage_bytes', new.byte_size);
  else
    perform bump_usage(old.tenant_id, 'messages', -1);
    perform bump_usage(old.tenant_id, 'storage_bytes', -old.byte_size);
  end if;
  return null;
end
$$;
create trigger message_bodies_usage after insert or delete on message_bodies
  for each row execute function message_bodies_count_usage();

do $$
declare
  t text;
begin
  foreach t in array array['ai_sessions', 'conversations', 'message_bodies', 'messages']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format(
      'create policy %I on %I using (tenant_id = (select current_tenant_id()))
         with check (tenant_id = (select current_tenant_id()))', t || '_isolation', t);
  end loop;
end
$$;
grant select, insert, update, delete on ai_sessions, conversations, messages to devctx_app;
-- Bodies are shared by messages: written once, never edited by the application.
grant select, insert on message_bodies to devctx_app;
