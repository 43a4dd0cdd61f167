-- Ingest at four batches at once (issue 23). Two costs of a batch of 1,000 messages that
-- did not have to be paid, and a way around the storage quota found on the way:
--
-- 1. A batch's new texts were counted (bump_usage) by the statement that inserted them, so
--    the tenant's usage row stayed locked through the rest of the batch: the message rows,
--    their indexes and triggers. Concurrent batches of one tenant waited for each other
--    there (150 ms a batch, more than any statement took). The statement now queues its
--    counts and they are applied as its transaction commits, so the row is locked for the
--    commit only. The tier's limit is still checked under that lock, so two batches still
--    cannot both pass it: a batch that cannot fit is refused at its insert already (see
--    message_bodies_count_inserted), one that raced another past it at its commit, and
--    nothing of it is kept. A delete still counts at once: a decrement checks no limit.
-- 2. The insights trigger called message_terms once per message. The planner took it for
--    a function of 1,000 rows (the default), so a batch's terms looked like a million rows
--    and the statement was compiled by JIT on every batch (20 ms of its 35). The trigger
--    now unnests the terms itself (a third of the time again), with JIT off: a statement
--    over one batch is never worth compiling. message_terms, still used by
--    rebuild_session_terms, returns a handful of rows, and now says so.
alter function message_terms(text[], jsonb, text[]) rows 4;

-- 3. Storage is counted from byte_size, which a tenant archive carries and an import
--    copies: an edited archive could say 0, or a negative size that counts as a decrement
--    and checks no limit. Every writer computes it from the content; now the table holds
--    them to it (rows stored before are not re-checked).
alter table message_bodies add constraint message_bodies_byte_size_is_content
  check (byte_size = octet_length(content)) not valid;

create or replace function messages_count_terms() returns trigger
  language plpgsql set search_path = pg_catalog, public set jit = off
as $$
begin
  insert into session_terms (tenant_id, session_id, kind, term, term_digest, occurrences, operations, last_at)
  select t.tenant_id, t.session_id, t.kind, t.term, sha256(convert_to(t.term, 'UTF8')), count(distinct t.id),
         coalesce(array_agg(distinct t.operation) filter (where t.operation is not null), '{}'),
         max(t.occurred_at)
    from (select m.tenant_id, m.session_id, m.id, m.occurred_at, 'tag' as kind, x as term, null::text as operation
            from inserted m cross join unnest(m.tags) as x
          union all
          select m.tenant_id, m.session_id, m.id, m.occurred_at, 'file', f->>'path', f->>'operation'
            from inserted m cross join jsonb_array_elements(m.file_references) as f
           where f->>'path' is not null
          union all
          select m.tenant_id, m.session_id, m.id, m.occurred_at, 'command', c, null
            from inserted m cross join unnest(m.commands) as c) t
   group by t.tenant_id, t.session_id, t.kind, t.term
   order by t.tenant_id, t.kind, t.session_id, sha256(convert_to(t.term, 'UTF8'))
  on conflict (tenant_id, kind, session_id, term_digest) do update
     set occurrences = session_terms.occurrences + excluded.occurrences,
         operations = array(select distinct o from unnest(session_terms.operations || excluded.operations) o order by o),
         last_at = greatest(session_terms.last_at, excluded.last_at);
  return null;
end
$$;

-- Rows live within one transaction: inserted by the statement, applied and deleted at its
-- commit. Nothing here survives a commit, so the table is unlogged (no WAL for it).
-- The application has no grant on it: only the counting functions (owner) write it.
create unlogged table usage_pending (
  tenant_id     uuid not null,
  id            bigint generated always as identity,
  messages      bigint not null,
  storage_bytes bigint not null,
  primary key (tenant_id, id)
);
revoke all on usage_pending from public;
alter table usage_pending enable row level security;
alter table usage_pending force row level security;
create policy usage_pending_isolation on usage_pending
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
-- Texts are counted whoever inserts them, with or without a tenant set (as message_bodies'
-- own counting always was).
create policy usage_pending_counting on usage_pending to devctx_owner using (true) with check (true);

create or replace function message_bodies_count_inserted() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v record;
begin
  insert into usage_pending (tenant_id, messages, storage_bytes)
  select tenant_id, count(*), sum(byte_size) from inserted group by tenant_id;
  -- A batch that cannot fit is refused here already, before its message rows (or the rest
  -- of a 1 GiB archive) are written: against what is committed plus what this transaction
  -- has queued, without the counter's lock. The check under the lock at commit decides.
  for v in
    select u.messages + sum(p.messages) as messages, u.storage_bytes + sum(p.storage_bytes) as bytes,
           t.max_messages, t.max_storage_bytes
      from usage_pending p
      join tenant_usage u on u.tenant_id = p.tenant_id
      join tenants n on n.id = p.tenant_id
      join tiers t on t.tier = n.tier
     where p.tenant_id in (select distinct tenant_id from inserted)
     group by p.tenant_id, u.messages, u.storage_bytes, t.max_messages, t.max_storage_bytes
  loop
    if v.messages > v.max_messages then
      raise exception using errcode = 'DC001', message = format('messages:%s', v.max_messages);
    end if;
    if v.bytes > v.max_storage_bytes then
      raise exception using errcode = 'DC001', message = format('storage_bytes:%s', v.max_storage_bytes);
    end if;
  end loop;
  return null;
end
$$;

create function usage_pending_apply() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
begin
  perform bump_usage(new.tenant_id, 'messages', new.messages);
  perform bump_usage(new.tenant_id, 'storage_bytes', new.storage_bytes);
  delete from usage_pending where tenant_id = new.tenant_id and id = new.id;
  return null;
end
$$;

-- Deferred: fires as the inserting transaction commits, after everything else it did.
create constraint trigger usage_pending_apply after insert on usage_pending
  deferrable initially deferred for each row execute function usage_pending_apply();
