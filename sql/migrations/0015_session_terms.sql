-- What each session's messages name, counted per session: its tags, the files they
-- reference (with the operations done on them) and the commands they ran. The insights
-- views read one row per session and term instead of unnesting every message of the
-- tenant (seconds at a million messages).
--
-- A trigger keeps the counts, in the transaction that inserts the messages, whoever
-- inserts them: so the release before this one, still running while this migration is
-- applied, counts too. A session's rows go with it (cascade), like its messages; the
-- application never deletes single messages.
create table session_terms (
  tenant_id    uuid not null,
  session_id   uuid not null,
  kind         text not null check (kind in ('tag', 'file', 'command')),
  term         text not null,
  -- A command may be 10,000 characters and a path 2,000: too long for a btree key, so
  -- rows are keyed by the term's SHA-256.
  term_digest  bytea not null,
  -- Messages naming it (tags), references to it (files), runs of it (commands).
  occurrences  integer not null check (occurrences > 0),
  operations   text[] not null default '{}',
  last_at      timestamptz,
  primary key (tenant_id, kind, session_id, term_digest),
  foreign key (tenant_id, session_id) references ai_sessions (tenant_id, id) on delete cascade
);
-- A session's statistics read its files and commands.
create index session_terms_by_session on session_terms (tenant_id, session_id);

alter table session_terms enable row level security;
create policy session_terms_isolation on session_terms
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update on session_terms to devctx_app;

-- The terms one message names, a row per occurrence.
create function message_terms(tags text[], file_references jsonb, commands text[])
  returns table (kind text, term text, operation text)
  language sql immutable parallel safe set search_path = pg_catalog
as $$
  select 'tag', t, null::text from unnest(tags) as t
  union all
  select 'file', f->>'path', f->>'operation' from jsonb_array_elements(file_references) as f
   where f->>'path' is not null
  union all
  select 'command', c, null from unnest(commands) as c
$$;

-- Adds the messages of one insert statement to their sessions' counts. Runs as the
-- inserting role, so row-level security checks every row it writes. Rows are written in
-- key order, so two statements on the same session cannot deadlock.
create function messages_count_terms() returns trigger
  language plpgsql set search_path = pg_catalog, public
as $$
begin
  insert into session_terms (tenant_id, session_id, kind, term, term_digest, occurrences, operations, last_at)
  select m.tenant_id, m.session_id, t.kind, t.term, sha256(convert_to(t.term, 'UTF8')), count(*),
         coalesce(array_agg(distinct t.operation) filter (where t.operation is not null), '{}'),
         max(m.occurred_at)
    from inserted m cross join lateral message_terms(m.tags, m.file_references, m.commands) t
   group by m.tenant_id, m.session_id, t.kind, t.term
   order by m.tenant_id, t.kind, m.session_id, sha256(convert_to(t.term, 'UTF8'))
  on conflict (tenant_id, kind, session_id, term_digest) do update
     set occurrences = session_terms.occurrences + excluded.occurrences,
         operations = array(select distinct o from unnest(session_terms.operations || excluded.operations) o order by o),
         last_at = greatest(session_terms.last_at, excluded.last_at);
  return null;
end
$$;
create trigger messages_terms after insert on messages
  referencing new table as inserted for each statement execute function messages_count_terms();

-- Counts session_terms afresh from the messages, for one tenant or (null) all: used once
-- below for the messages already stored, and by an administrator should counts ever need
-- rebuilding. Not granted to the application.
create function rebuild_session_terms(only_tenant uuid default null) returns void
  language sql set search_path = pg_catalog, public
as $$
  delete from session_terms where only_tenant is null or tenant_id = only_tenant;
  insert into session_terms (tenant_id, session_id, kind, term, term_digest, occurrences, operations, last_at)
  select m.tenant_id, m.session_id, t.kind, t.term, sha256(convert_to(t.term, 'UTF8')), count(*),
         coalesce(array_agg(distinct t.operation) filter (where t.operation is not null), '{}'),
         max(m.occurred_at)
    from messages m cross join lateral message_terms(m.tags, m.file_references, m.commands) t
   where only_tenant is null or m.tenant_id = only_tenant
   group by m.tenant_id, m.session_id, t.kind, t.term;
$$;
revoke execute on function rebuild_session_terms(uuid) from public;

-- The owner reads every tenant's messages for this once: FORCE is lifted inside this
-- transaction only.
alter table messages no force row level security;
select rebuild_session_terms();
alter table messages force row level security;
alter table session_terms force row level security;
