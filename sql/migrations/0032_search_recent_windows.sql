-- Search at a million messages (issue 23).
--
-- 1. Ranking every match of a common word (a fifth of a tenant's texts) before the top 20
--    could be returned took seconds. Matches are now ranked in windows of the 2,000 most
--    recent ones: a page ranks the newest window, and only a caller paging past it has the
--    next one ranked. The order of hits is total and stable — window (newest first), rank,
--    hash — and a cursor names the window it is in by its newest text, so later pages rank
--    the same window again however many texts arrive meanwhile. A query with fewer matches
--    than a window (most) is ranked whole, as before. How a window is found is chosen from
--    the planner's estimate of the query's matches: a rare word is looked up in the text
--    index, a common one read newest first.
-- 2. The trigram index, the heaviest index per text (a hundred entries for a short one),
--    found identifiers and paths by substring. The text search vector now holds them
--    itself: the parser keeps a path, a file or host name whole (shared/src/db/x.ts,
--    rolling_log_handler.py) and splits snake_case into words in order; code_words, which
--    ingest computes (functions/context/src/messages/code-words.ts), adds each path's
--    trailing parts (db/x.ts, x.ts), the pieces of paths, names, tags and camelCase words
--    in order (rolling log handler py; use effect) and the character pairs of CJK runs, so
--    `x.ts`, `log_handler` or `effect` find them as words and phrases do. The trigram index
--    goes: at ingest it cost more than everything else about a text. Texts stored before,
--    and texts an erasure rewrites, have no code words: they are found by whole paths,
--    names and words.
create index message_bodies_recent on message_bodies (tenant_id, created_at, hash);

create type search_candidate as (hash bytea, at timestamptz, rank real);

-- The planner's estimate of the rows a query returns (it is planned, not run).
create function estimated_rows(p_query text) returns double precision
  language plpgsql volatile set search_path = pg_catalog, public
as $$
declare
  v_plan jsonb;
begin
  execute 'explain (format json) ' || p_query into v_plan;
  return (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::double precision;
end
$$;
revoke all on function estimated_rows(text) from public;

create function search_message_windows(p_query tsquery, p_limit integer,
                                       p_top_at timestamptz, p_top_hash bytea,
                                       p_after_rank real, p_after_hash bytea)
  returns table (hash bytea, rank real, window_at timestamptz, window_hash bytea)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  -- The planner switches below stay within this function.
  set enable_bitmapscan = on set enable_indexscan = on
as $$
declare
  v_window_size constant integer := 2000;
  -- Read newest first, at most this many texts look for a window; fewer matches among
  -- them (the estimate was wrong: `a -a`, a phrase of words never side by side) and the
  -- window is looked up in the text index instead.
  v_scan_limit constant integer := 50 * 2000;
  v_window search_candidate[];
  v_top search_candidate;
  v_bottom search_candidate;
  v_at timestamptz := p_top_at;
  v_hash bytea := p_top_hash;
  v_bound text := case when p_top_at is null then '' else 'and (b.created_at, b.hash) <= ($3, $4)' end;
  v_after_rank real := p_after_rank;
  v_after_hash bytea := p_after_hash;
  v_left integer := p_limit;
  v_shown integer;
  v_matches double precision;
  v_texts double precision;
  v_newest_first boolean;
begin
  -- Which way to find a window, from the planner's own estimates: reading the tenant's
  -- texts newest first reads about window × texts ÷ matches of them; looking every match
  -- up in the text index reads every match. The first wins past √(window × texts) matches.
  -- (Left to itself the planner under-costs checking each text against the query, and
  -- read a third of a million texts for two words found in one of 150.)
  v_matches := estimated_rows(format(
    'select 1 from message_bodies b where b.tenant_id = %L and b.search @@ %L::tsquery',
    current_tenant_id(), p_query));
  v_texts := estimated_rows(format(
    'select 1 from message_bodies b where b.tenant_id = %L', current_tenant_id()));
  v_newest_first := v_matches > sqrt(v_window_size * greatest(v_texts, 1));
  loop
    v_window := null;
    if v_newest_first then
      perform set_config('enable_bitmapscan', 'off', true);
      perform set_config('enable_indexscan', 'on', true);
      execute format(
        $sql$select array_agg(row(c.hash, c.at, ts_rank(c.search, $1))::search_candidate
                              order by c.at desc, c.hash desc)
               from (select s.hash, s.at, s.search
                       from (select b.hash, b.created_at as at, b.search
                               from message_bodies b
                              where b.tenant_id = $2 %s
                              order by b.created_at desc, b.hash desc
                              limit $6) s
                      where s.search @@ $1
                      order by s.at desc, s.hash desc
                      limit $5) c$sql$,
        v_bound)
        into v_window
        using p_query, current_tenant_id(), v_at, v_hash, v_window_size, v_scan_limit;
    end if;
    if v_window is null or cardinality(v_window) < v_window_size then
      perform set_config('enable_bitmapscan', 'on', true);
      perform set_config('enable_indexscan', 'off', true);
      execute format(
        $sql$select array_agg(row(c.hash, c.at, ts_rank(c.search, $1))::search_candidate
                              order by c.at desc, c.hash desc)
               from (select b.hash, b.created_at as at, b.search
                       from message_bodies b
                      where b.tenant_id = $2 and b.search @@ $1 %s
                      order by b.created_at desc, b.hash desc
                      limit $5) c$sql$,
        v_bound)
        into v_window
        using p_query, current_tenant_id(), v_at, v_hash, v_window_size;
    end if;
    exit when v_window is null;
    v_top := v_window[1];
    return query
      select c.hash, c.rank, v_top.at, v_top.hash
        from unnest(v_window) c
       where v_after_rank is null or (c.rank, c.hash) <= (v_after_rank, v_after_hash)
       order by c.rank desc, c.hash desc
       limit v_left;
    get diagnostics v_shown = row_count;
    v_left := v_left - v_shown;
    exit when v_left <= 0 or cardinality(v_window) < v_window_size;
    -- The next window: strictly older than this one's oldest, every hit of it after the cursor.
    v_bottom := v_window[cardinality(v_window)];
    v_at := v_bottom.at;
    v_hash := v_bottom.hash;
    v_bound := 'and (b.created_at, b.hash) < ($3, $4)';
    v_after_rank := null;
    v_after_hash := null;
  end loop;
end
$$;
revoke all on function search_message_windows(tsquery, integer, timestamptz, bytea, real, bytea) from public;
grant execute on function search_message_windows(tsquery, integer, timestamptz, bytea, real, bytea) to devctx_app;

drop index message_bodies_trigram;
alter table message_bodies drop column search; -- and its index
alter table message_bodies add column code_words text;
alter table message_bodies add column search tsvector
  generated always as (to_tsvector('english'::regconfig, left(content, 200000))
                       || to_tsvector('english'::regconfig, left(coalesce(code_words, ''), 20000))) stored;
create index message_bodies_search on message_bodies using gin (tenant_id, search);
