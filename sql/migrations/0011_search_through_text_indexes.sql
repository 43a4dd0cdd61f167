-- Search must use the text indexes. Under a row-level security policy PostgreSQL only
-- turns a condition into an index scan when its operator is leakproof, and neither @@
-- (full text) nor ILIKE (trigram) is — so every search as devctx_app read all of the
-- tenant's bodies (30 ms at 10,000 bodies, growing linearly).
--
-- search_message_bodies runs as the owner, for whom message_bodies is no longer forced
-- through its policy, and filters the tenant itself with current_tenant_id() (NULL when
-- unset: no rows — fails closed). devctx_app is still bound by the policy on every direct
-- read and write; the catalogue test names this table as the one deliberate exception.
alter table message_bodies no force row level security;

create function search_message_bodies(p_query tsquery, p_pattern text)
  returns table (hash bytea, rank real)
  language sql stable security definer set search_path = pg_catalog, public
as $$
  select b.hash,
         ts_rank(b.search, p_query) + case when b.content ilike p_pattern then 0.1 else 0 end
    from message_bodies b
   where b.tenant_id = current_tenant_id()
     and (b.search @@ p_query or b.content ilike p_pattern)
$$;
revoke all on function search_message_bodies(tsquery, text) from public;
grant execute on function search_message_bodies(tsquery, text) to devctx_app;
