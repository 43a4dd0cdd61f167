-- 1. A stored body that no message uses any more is removed with the last message that
--    used it, so the message quota (which counts distinct bodies) is won back when
--    sessions are deleted, and usage agrees with what the user can see.
--
-- Races with ingest: ingest holds every body it is about to reference (key share, in hash
-- order) from before it inserts its messages until it commits; this trigger only takes
-- bodies nobody holds (skip locked), and checks for remaining references after it holds
-- them, in a statement of its own (a fresh snapshot): a body is never removed under a
-- message about to use it, and the trigger never waits, so it cannot deadlock.
create function messages_release_bodies() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v_tenant uuid;
  v_hashes bytea[];
  v_free bytea[];
  v_caller text := current_setting('app.tenant_id', true);
begin
  for v_tenant, v_hashes in
    select tenant_id, array_agg(distinct body_hash) from deleted group by tenant_id
  loop
    select coalesce(array_agg(b.hash), '{}') into v_free
      from (select hash from message_bodies
             where tenant_id = v_tenant and hash = any (v_hashes)
             order by hash
               for update skip locked) b;
    -- messages is forced under row-level security, also for this function's owner: read
    -- it as the tenant whose messages these are, then give the caller its setting back.
    perform set_config('app.tenant_id', v_tenant::text, true);
    delete from message_bodies b
     where b.tenant_id = v_tenant and b.hash = any (v_free)
       and not exists (select 1 from messages m
                        where m.tenant_id = b.tenant_id and m.body_hash = b.hash);
    perform set_config('app.tenant_id', coalesce(v_caller, ''), true);
  end loop;
  return null;
end
$$;
revoke all on function messages_release_bodies() from public;

-- Ingest holds the bodies a batch references (locking needs more than the application's
-- select and insert on message_bodies): those of the caller's tenant, in hash order.
-- Answers how many it holds; fewer than asked means some were removed meanwhile.
create function hold_message_bodies(p_hashes bytea[]) returns integer
  language sql volatile security definer set search_path = pg_catalog, public
as $$
  select count(*)::integer from (
    select 1 from message_bodies
     where tenant_id = current_tenant_id() and hash = any (p_hashes)
     order by hash
       for key share) h
$$;
revoke all on function hold_message_bodies(bytea[]) from public;
grant execute on function hold_message_bodies(bytea[]) to devctx_app;
create trigger messages_release_bodies after delete on messages
  referencing old table as deleted for each statement execute function messages_release_bodies();

-- 2. Insights count a term once per message that names it: a tag repeated within one
--    message counted twice.
create or replace function messages_count_terms() returns trigger
  language plpgsql set search_path = pg_catalog, public
as $$
begin
  insert into session_terms (tenant_id, session_id, kind, term, term_digest, occurrences, operations, last_at)
  select m.tenant_id, m.session_id, t.kind, t.term, sha256(convert_to(t.term, 'UTF8')), count(distinct m.id),
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

create or replace function rebuild_session_terms(only_tenant uuid default null) returns void
  language sql set search_path = pg_catalog, public
as $$
  delete from session_terms where only_tenant is null or tenant_id = only_tenant;
  insert into session_terms (tenant_id, session_id, kind, term, term_digest, occurrences, operations, last_at)
  select m.tenant_id, m.session_id, t.kind, t.term, sha256(convert_to(t.term, 'UTF8')), count(distinct m.id),
         coalesce(array_agg(distinct t.operation) filter (where t.operation is not null), '{}'),
         max(m.occurred_at)
    from messages m cross join lateral message_terms(m.tags, m.file_references, m.commands) t
   where only_tenant is null or m.tenant_id = only_tenant
   group by m.tenant_id, m.session_id, t.kind, t.term;
$$;

-- What is already stored: counts afresh, and the bodies no message uses removed (their
-- usage with them, through message_bodies' own counting triggers). The owner reads every
-- tenant's messages for this once: FORCE is lifted inside this transaction only.
alter table messages no force row level security;
alter table session_terms no force row level security;
select rebuild_session_terms();
delete from message_bodies b
 where not exists (select 1 from messages m where m.tenant_id = b.tenant_id and m.body_hash = b.hash);
alter table messages force row level security;
alter table session_terms force row level security;

-- 3. The API stores and echoes instants at one precision, milliseconds: a start the server
--    sets is kept as the client will read it back, so an end sent as that start is not
--    "before" it.
alter table ai_sessions alter column started_at set default date_trunc('milliseconds', now());
