-- Search must use the text indexes, and only its tenant's part of them.
--
-- 1. Under a row-level security policy PostgreSQL only turns a condition into an index
--    scan when its operator is leakproof, and neither @@ (full text) nor ILIKE (trigram)
--    is — so every search as devctx_app read all of the tenant's bodies.
--    search_message_bodies runs as the owner, for whom message_bodies is no longer forced
--    through its policy, and filters the tenant itself with current_tenant_id() (NULL when
--    unset: no rows — fails closed). devctx_app is still bound by the policy on every
--    direct read and write; the catalogue test names this table as the one exception.
-- 2. The GIN indexes lead with tenant_id (btree_gin, see bootstrap.sql): a common word
--    then costs its tenant's matches, not every tenant's.
-- 3. One text-search parse per body instead of two: the english configuration alone keeps
--    identifiers and paths as whole tokens (rolling_log_handler.py, export-dedup) and
--    words it cannot stem as written (Fehlerbehebung), so the 'simple' copy only doubled
--    the cost of every new body (~20% of an ingest).
alter table message_bodies no force row level security;

alter table message_bodies drop column search; -- and its index
alter table message_bodies add column search tsvector
  generated always as (to_tsvector('english'::regconfig, left(content, 200000))) stored;
drop index message_bodies_trigram;
create index message_bodies_search on message_bodies using gin (tenant_id, search);
create index message_bodies_trigram on message_bodies using gin (tenant_id, content gin_trgm_ops);

-- The best-ranked bodies of the current tenant that match the query or contain the
-- pattern (pass NULL to skip the substring match; a pattern needs 3+ characters for the
-- trigram index). p_limit NULL returns every match.
create function search_message_bodies(p_query tsquery, p_pattern text, p_limit integer)
  returns table (hash bytea, rank real)
  language plpgsql stable security definer set search_path = pg_catalog, public
as $$
begin
  if p_pattern is null then
    return query
      select b.hash, ts_rank(b.search, p_query)
        from message_bodies b
       where b.tenant_id = current_tenant_id() and b.search @@ p_query
       order by 2 desc
       limit p_limit;
  else
    return query
      select b.hash,
             (ts_rank(b.search, p_query) + case when b.content ilike p_pattern then 0.1 else 0 end)::real
        from message_bodies b
       where b.tenant_id = current_tenant_id()
         and (b.search @@ p_query or b.content ilike p_pattern)
       order by 2 desc
       limit p_limit;
  end if;
end
$$;
revoke all on function search_message_bodies(tsquery, text, integer) from public;
grant execute on function search_message_bodies(tsquery, text, integer) to devctx_app;
