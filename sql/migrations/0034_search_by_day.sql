-- Search at a million messages, the middle case (issue 23): a query with many matches but
-- not among most texts, such as two common words (one text in 70). Its window of the
-- 2,000 newest matches was found by reading every match from the heap, 13,000 pages for
-- 14,000 matches, only to learn their dates, and the text index also read the tenant's
-- whole entry (a million rows) to keep the tenant's own matches. It took 40-45 ms alone
-- and 195 ms at p95 with four clients.
--
-- The text index now has a third column: a word for each text's tenant and day (UTC),
-- '<tenant id> <days since 2000-01-01>', computed from the row (no column holds it, and
-- no caller's query is ever asked of it). A query of that middle kind is asked of the
-- text index together with the days that should hold its window (from the tenant's pace
-- and the query's estimated matches), widened if they were too few. The index then keeps
-- only the tenant's matches of those days, reading the query's words only where those
-- days are, and the heap is read for those matches alone. Every match of an older day is
-- older than every match of these days, so the window is the same as reading every match
-- would give.
--
-- The text index is built again once (the table is not rewritten); texts wait for it.
--
-- Both functions below are part of the index: every role that writes texts (devctx_app)
-- must keep EXECUTE on them. An infinite time (an imported archive may hold one) is a
-- day past any real one, with room for the days counted back from it, so it fails
-- neither an insert, nor this migration, nor a search.
create function search_day(p_at timestamptz) returns integer
  language sql immutable parallel safe
  return case when isfinite(p_at) then (p_at at time zone 'UTC')::date - date '2000-01-01'
              when p_at > 'epoch'::timestamptz then 2000000000
              when p_at < 'epoch'::timestamptz then -2000000000 end;

create function search_day_word(p_tenant uuid, p_at timestamptz) returns tsvector
  language sql immutable parallel safe
  return array_to_tsvector(array[p_tenant::text || ' ' || search_day(p_at)]);

drop index message_bodies_search;
create index message_bodies_search on message_bodies
  using gin (tenant_id, search, search_day_word(tenant_id, created_at));

-- The current tenant's days from p_top_day back, p_days of them, as a query of that column.
create function search_days_query(p_top_day integer, p_days integer) returns tsquery
  language sql stable set search_path = pg_catalog, public
return (
  select string_agg(format('%L', current_tenant_id() || ' ' || d), ' | ')::tsquery
    from generate_series(p_top_day - p_days + 1, p_top_day) d
);
revoke all on function search_days_query(integer, integer) from public;

create or replace function search_message_windows(p_query tsquery, p_limit integer,
                                                  p_top_at timestamptz, p_top_hash bytea,
                                                  p_after_rank real, p_after_hash bytea)
  returns table (hash bytea, rank real, window_at timestamptz, window_hash bytea)
  language plpgsql volatile security definer set search_path = pg_catalog, public
  -- The planner switches below stay within this function.
  set enable_bitmapscan = on set enable_indexscan = on set enable_seqscan = on
as $$
declare
  v_window_size constant integer := 2000;
  -- Read newest first, at most this many texts look for a window; fewer matches among
  -- them (the estimate was wrong: `a -a`, a phrase of words never side by side) and the
  -- window is looked up in the text index instead.
  v_scan_limit constant integer := 50 * 2000;
  -- By day, at most this many days in one look-up, and at most three look-ups a window:
  -- the index's work grows with the days in the query (100 days cost six times 16, and
  -- more than reading the tenant's whole entry), so a tenant whose window spans more
  -- days is served by reading every match.
  v_max_days constant integer := 16;
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
  v_first_day integer;
  v_last_day integer;
  v_top_day integer;
  v_days integer;
  v_days_per_window double precision;
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
  -- More than two windows of matches: looked up by day. How many days a window takes,
  -- if the tenant's texts came at an even pace from its first day to its last; none
  -- when twice that is more than one look-up takes.
  if not v_newest_first and v_matches > 2 * v_window_size then
    select search_day(min(b.created_at)), search_day(max(b.created_at))
      into v_first_day, v_last_day
      from message_bodies b where b.tenant_id = current_tenant_id();
    v_days_per_window := v_window_size / v_matches * (v_last_day::bigint - v_first_day + 1);
    if 2 * v_days_per_window > v_max_days then
      v_days_per_window := null;
    end if;
  end if;
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
    if v_window is null and v_days_per_window is not null then
      perform set_config('enable_bitmapscan', 'on', true);
      perform set_config('enable_indexscan', 'off', true);
      perform set_config('enable_seqscan', 'off', true);
      -- Twice the even pace's days, then four and eight times, while they fall short of
      -- a window and there are older days. From the bound's day, or the tenant's last
      -- (a cursor from the future starts there too).
      v_top_day := least(coalesce(search_day(v_at), v_last_day), v_last_day);
      v_days := ceil(2 * v_days_per_window);
      for attempt in 1..3 loop
        exit when v_days > v_max_days;
        -- The tenant's own texts only, from the index's search and day columns: the days'
        -- words are the tenant's (the tenant column would add the tenant's whole entry
        -- to read). Checked again against the row all the same. The window's
        -- vectors are read by ctid once it is chosen: sorting the matches with them took
        -- a third of the time.
        execute format(
          $sql$select array_agg(row(c.hash, c.at, ts_rank(t.search, $1))::search_candidate
                                order by c.at desc, c.hash desc)
                 from (select s.id, s.hash, s.at
                         from (select b.ctid as id, b.tenant_id, b.hash, b.created_at as at
                                 from message_bodies b
                                where b.search @@ $1
                                  and search_day_word(b.tenant_id, b.created_at) @@ $6 %s
                               offset 0) s
                        where s.tenant_id = $2
                        order by s.at desc, s.hash desc
                        limit $5) c
                 join message_bodies t on t.ctid = c.id$sql$,
          v_bound)
          into v_window
          using p_query, current_tenant_id(), v_at, v_hash, v_window_size,
                search_days_query(v_top_day, v_days);
        -- A full window, or every day down to the tenant's first: the window is whole.
        if cardinality(v_window) >= v_window_size or v_top_day::bigint - v_days < v_first_day then
          raise debug 'search window by % days', v_days;
          exit;
        end if;
        v_window := null;
        v_days := v_days * 2;
      end loop;
      perform set_config('enable_seqscan', 'on', true);
    end if;
    if v_window is null or (v_newest_first and cardinality(v_window) < v_window_size) then
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
