-- Search pages by keyset instead of offset: an offset into a ranking with ties repeated
-- some messages and never reached others (the bodies of equal rank came back in a
-- different order on each page). Bodies are now ranked in a total order — rank, then the
-- body's hash — and a page continues after the last body it showed (that body again, for
-- its remaining messages). The three-argument function stays for the release before.
create function search_message_bodies(p_query tsquery, p_pattern text, p_limit integer,
                                      p_after_rank real, p_after_hash bytea)
  returns table (hash bytea, rank real)
  language plpgsql stable security definer set search_path = pg_catalog, public
as $$
begin
  if p_pattern is null then
    return query
      select r.hash, r.rank
        from (select b.hash, ts_rank(b.search, p_query) as rank
                from message_bodies b
               where b.tenant_id = current_tenant_id() and b.search @@ p_query) r
       where p_after_rank is null or (r.rank, r.hash) <= (p_after_rank, p_after_hash)
       order by r.rank desc, r.hash desc
       limit p_limit;
  else
    return query
      select r.hash, r.rank
        from (select b.hash,
                     (ts_rank(b.search, p_query)
                      + case when b.content ilike p_pattern then 0.1 else 0 end)::real as rank
                from message_bodies b
               where b.tenant_id = current_tenant_id()
                 and (b.search @@ p_query or b.content ilike p_pattern)) r
       where p_after_rank is null or (r.rank, r.hash) <= (p_after_rank, p_after_hash)
       order by r.rank desc, r.hash desc
       limit p_limit;
  end if;
end
$$;
revoke all on function search_message_bodies(tsquery, text, integer, real, bytea) from public;
grant execute on function search_message_bodies(tsquery, text, integer, real, bytea) to devctx_app;
