-- What each session's messages name, counted per session: its tags, the files they
-- reference (with the operations done on them) and the commands they ran. Ingest adds the
-- new messages' terms in the same transaction as the messages, so the insights views read
-- one row per session and term instead of unnesting every message of the tenant (seconds
-- at a million messages). A session's rows go with it (cascade), like its messages.
create table session_terms (
  tenant_id    uuid not null,
  session_id   uuid not null,
  kind         text not null check (kind in ('tag', 'file', 'command')),
  term         text not null,
  -- Messages naming it (tags), references to it (files), runs of it (commands).
  occurrences  integer not null check (occurrences > 0),
  operations   text[] not null default '{}',
  last_at      timestamptz,
  -- A command may be 10,000 characters and a path 2,000: too long for a btree key, so
  -- rows are keyed by the term's digest (md5 is immutable, as a generated column needs; a
  -- collision could only merge two terms of the same session, never tenants).
  term_digest  bytea not null generated always as (decode(md5(term), 'hex')) stored,
  primary key (tenant_id, kind, session_id, term_digest),
  foreign key (tenant_id, session_id) references ai_sessions (tenant_id, id) on delete cascade
);
-- The session's own statistics read its files and commands by session.
create index session_terms_by_session on session_terms (tenant_id, session_id);

alter table session_terms enable row level security;
create policy session_terms_isolation on session_terms
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update on session_terms to devctx_app;

-- Counts session_terms afresh from the messages, for one tenant or (null) all: used once
-- below for the messages already stored, and by an administrator should counts ever need
-- rebuilding. Counts the way ingest does. Not granted to the application.
create function rebuild_session_terms(only_tenant uuid default null) returns void
  language sql set search_path = pg_catalog, public
as $$
  delete from session_terms where only_tenant is null or tenant_id = only_tenant;
  insert into session_terms (tenant_id, session_id, kind, term, occurrences, operations, last_at)
  select tenant_id, session_id, kind, term, count(*),
         coalesce(array_agg(distinct operation) filter (where operation is not null), '{}'),
         max(occurred_at)
    from (select m.tenant_id, m.session_id, 'tag' as kind, t as term, null::text as operation, m.occurred_at
            from messages m cross join unnest(m.tags) as t
           where only_tenant is null or m.tenant_id = only_tenant
          union all
          select m.tenant_id, m.session_id, 'file', f->>'path', f->>'operation', m.occurred_at
            from messages m cross join jsonb_array_elements(m.file_references) as f
           where (only_tenant is null or m.tenant_id = only_tenant) and f->>'path' is not null
          union all
          select m.tenant_id, m.session_id, 'command', c, null, m.occurred_at
            from messages m cross join unnest(m.commands) as c
           where only_tenant is null or m.tenant_id = only_tenant) as terms
   group by tenant_id, session_id, kind, term;
$$;
revoke execute on function rebuild_session_terms(uuid) from public;

-- The owner reads every tenant's messages for this once: FORCE is lifted inside this
-- transaction only.
alter table messages no force row level security;
select rebuild_session_terms();
alter table messages force row level security;
alter table session_terms force row level security;
