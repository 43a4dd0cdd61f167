-- Search at a million messages, a phrase of common words (issue 23): "tenant session" is
-- in one text of 1,000, but both words are in 53,000, one in 19. The text index keeps no
-- word positions, so it gives all 53,000, and each was read from the heap to check its
-- words' positions: 200 ms alone, 565 ms at p95 with four clients. (The phrase has fewer
-- than a window, 2,000, of matches, so its first window went back to the tenant's first
-- text.)
--
-- A phrase's windows may now be of the texts that may hold it, those with its words
-- anywhere (the query with each phrase's words joined by "and"): the 2,000 newest of them
-- each, with the phrase's matches among them ranked. A page reads as few such windows as
-- it needs: the first page of "tenant session" comes from its first window, 2,000 texts.
-- But such windows may hold few matches, or none ("tenant tenant tenant": 20 of 200,000
-- texts with the word), and a page would walk a hundred of them. So:
-- - the first page takes windows of candidates only if the first one holds the page;
-- - one call takes at most four windows of candidates, and after its first never one that
--   only reading every candidate finds (each further window would read them all again);
-- - otherwise the search goes on by windows of the phrase's matches, as before.
-- A window's kind is chosen when it is first reached, before any of its hits is served,
-- and each hit's cursor names its window's kind: the next page rebuilds the same window,
-- so a search's pages never repeat or skip a hit. Without a phrase, or with a negation
-- (where a phrase's words apart must not count), a query's windows are of its matches.

-- The query with every phrase operator (<->, <N>) outside a quoted word made "and": the
-- texts that may hold its phrases. The query itself when it has none, or has a negation.
create function search_candidates_query(p_query tsquery) returns tsquery
  language plpgsql immutable strict parallel safe set search_path = pg_catalog
as $$
declare
  -- One character an element, split once: substr() on the text would rescan it each time.
  v_chars constant text[] := string_to_array(p_query::text, null);
  v_parts text[] := '{}';
  v_quoted boolean := false;
  v_phrase boolean := false;
  v_i integer := 1;
begin
  while v_i <= cardinality(v_chars) loop
    if v_chars[v_i] = '''' then
      v_quoted := not v_quoted; -- a doubled quote in a word closes and opens again
    elsif not v_quoted and v_chars[v_i] = '!' then
      return p_query;
    elsif not v_quoted and v_chars[v_i] = '<' then
      while v_chars[v_i] <> '>' loop
        v_i := v_i + 1;
      end loop;
      v_parts := v_parts || '&'::text;
      v_phrase := true;
      v_i := v_i + 1;
      continue;
    end if;
    v_parts := v_parts || v_chars[v_i];
    v_i := v_i + 1;
  end loop;
  return case when v_phrase then array_to_string(v_parts, '')::tsquery else p_query end;
end
$$;
revoke all on function search_candidates_query(tsquery) from public;

-- A page of hits, each with its window's newest and oldest texts (time, hash) and kind: of
-- the texts that may hold the query's phrases (candidate_windows), or of its matches.
-- p_candidates is the kind of the cursor's window (none on a first page: decided here).
-- The cursor's window is rebuilt as the texts between its newest and oldest (when given):
-- texts deleted since do not move its ends, so the next page neither repeats nor skips.
create function search_message_windows(p_query tsquery, p_limit integer,
                                       p_top_at timestamptz, p_top_hash bytea,
                                       p_after_rank real, p_after_hash bytea,
                                       p_candidates boolean,
                                       p_bottom_at timestamptz, p_bottom_hash bytea)
  returns table (hash bytea, rank real, window_at timestamptz, window_hash bytea,
                 candidate_windows boolean, bottom_at timestamptz, bottom_hash bytea)
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
  -- At most this many windows of candidates in one call: they may hold few matches, and a
  -- page would walk them all.
  v_max_candidate_windows constant integer := 4;
  v_candidates constant tsquery := search_candidates_query(p_query);
  -- The kind of the window at hand, and the query its texts match.
  v_by_candidates boolean := v_candidates <> p_query and coalesce(p_candidates, true);
  v_set tsquery;
  v_estimated_for tsquery;
  v_rank text;
  -- The window at hand is this call's first (found however it must be: the cursor's own,
  -- or a first page's first, whose kind is still to be chosen).
  v_first_of_call boolean := true;
  -- Rebuilding the cursor's window between its ends: every text of it, however many.
  v_rebuild boolean := p_top_at is not null and p_bottom_at is not null;
  v_range text := case when p_bottom_at is null then ''
                       else ' and (b.created_at, b.hash) >= ($8, $9)' end;
  v_rebuilt boolean;
  v_scanned integer;
  v_choosing boolean := p_candidates is null and v_candidates <> p_query;
  v_candidate_windows integer := 0;
  v_matched integer;
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
  v_texts := estimated_rows(format(
    'select 1 from message_bodies b where b.tenant_id = %L', current_tenant_id()));
  loop
    v_set := case when v_by_candidates then v_candidates else p_query end;
    -- Every text of a window of matches is one; of candidates, only those ranked.
    v_rank := case when v_by_candidates
      then 'case when %1$s.search @@ $1 then ts_rank(%1$s.search, $1) end'
      else 'ts_rank(%1$s.search, $1)' end;
    if v_estimated_for is distinct from v_set then
      v_estimated_for := v_set;
      -- Which way to find a window, from the planner's own estimates: reading the
      -- tenant's texts newest first reads about window × texts ÷ matches of them; looking
      -- every match up in the text index reads every match. The first wins past
      -- √(window × texts) matches. (Left to itself the planner under-costs checking each
      -- text against the query, and read a third of a million texts for two words found
      -- in one of 150.)
      v_matches := estimated_rows(format(
        'select 1 from message_bodies b where b.tenant_id = %L and b.search @@ %L::tsquery',
        current_tenant_id(), v_set));
      v_newest_first := v_matches > sqrt(v_window_size * greatest(v_texts, 1));
      -- More than two windows of matches: looked up by day. How many days a window takes,
      -- if the tenant's texts came at an even pace from its first day to its last; none
      -- when twice that is more than one look-up takes.
      v_days_per_window := null;
      if not v_newest_first and v_matches > 2 * v_window_size then
        if v_last_day is null then
          select search_day(min(b.created_at)), search_day(max(b.created_at))
            into v_first_day, v_last_day
            from message_bodies b where b.tenant_id = current_tenant_id();
        end if;
        v_days_per_window := v_window_size / v_matches * (v_last_day::bigint - v_first_day + 1);
        if 2 * v_days_per_window > v_max_days then
          v_days_per_window := null;
        end if;
      end if;
    end if;
    v_window := null;
    v_rebuilt := false;
    if v_newest_first and v_rebuild then
      -- The cursor's window, from its newest text down to its oldest: whole if the
      -- texts between them are fewer than a scan reads (otherwise by day or every match).
      perform set_config('enable_bitmapscan', 'off', true);
      perform set_config('enable_indexscan', 'on', true);
      execute format(
        $sql$select array_agg(row(s.hash, s.at, %2$s)::search_candidate
                              order by s.at desc, s.hash desc) filter (where s.search @@ $7),
                    count(*)
               from (select b.hash, b.created_at as at, b.search
                       from message_bodies b
                      where b.tenant_id = $2 %1$s
                      order by b.created_at desc, b.hash desc
                      limit $6) s$sql$,
        v_bound || v_range, format(v_rank, 's'))
        into v_window, v_scanned
        using p_query, current_tenant_id(), v_at, v_hash, null::integer, v_scan_limit, v_set,
              p_bottom_at, p_bottom_hash;
      v_rebuilt := v_scanned < v_scan_limit;
      if not v_rebuilt then
        v_window := null;
      end if;
    elsif v_newest_first then
      perform set_config('enable_bitmapscan', 'off', true);
      perform set_config('enable_indexscan', 'on', true);
      execute format(
        $sql$select array_agg(row(c.hash, c.at, %2$s)::search_candidate
                              order by c.at desc, c.hash desc)
               from (select s.hash, s.at, s.search
                       from (select b.hash, b.created_at as at, b.search
                               from message_bodies b
                              where b.tenant_id = $2 %1$s
                              order by b.created_at desc, b.hash desc
                              limit $6) s
                      where s.search @@ $7
                      order by s.at desc, s.hash desc
                      limit $5) c$sql$,
        v_bound, format(v_rank, 'c'))
        into v_window
        using p_query, current_tenant_id(), v_at, v_hash, v_window_size, v_scan_limit, v_set;
    end if;
    if v_window is null and not v_rebuilt and v_days_per_window is not null then
      perform set_config('enable_bitmapscan', 'on', true);
      perform set_config('enable_indexscan', 'off', true);
      perform set_config('enable_seqscan', 'off', true);
      -- Twice the even pace's days, then four and eight times, while they fall short of
      -- a window and there are older days. From the bound's day, or the tenant's last
      -- (a cursor from the future starts there too).
      v_top_day := least(coalesce(search_day(v_at), v_last_day), v_last_day);
      v_days := case when v_rebuild then v_top_day - search_day(p_bottom_at) + 1
                     else ceil(2 * v_days_per_window) end;
      for attempt in 1..3 loop
        exit when v_days > v_max_days;
        -- The tenant's own texts only, from the index's search and day columns: the days'
        -- words are the tenant's (the tenant column would add the tenant's whole entry
        -- to read). Checked again against the row all the same. The window's
        -- vectors are read by ctid once it is chosen: sorting the matches with them took
        -- a third of the time.
        execute format(
          $sql$select array_agg(row(c.hash, c.at, %2$s)::search_candidate
                                order by c.at desc, c.hash desc)
                 from (select s.id, s.hash, s.at
                         from (select b.ctid as id, b.tenant_id, b.hash, b.created_at as at
                                 from message_bodies b
                                where b.search @@ $7
                                  and search_day_word(b.tenant_id, b.created_at) @@ $6 %1$s
                               offset 0) s
                        where s.tenant_id = $2
                        order by s.at desc, s.hash desc
                        limit $5) c
                 join message_bodies t on t.ctid = c.id$sql$,
          v_bound || v_range, format(v_rank, 't'))
          into v_window
          using p_query, current_tenant_id(), v_at, v_hash,
                case when v_rebuild then null else v_window_size end,
                search_days_query(v_top_day, v_days), v_set, p_bottom_at, p_bottom_hash;
        -- A full window, every day down to the tenant's first, or the cursor's window
        -- between its ends: the window is whole.
        if v_rebuild or cardinality(v_window) >= v_window_size
           or v_top_day::bigint - v_days < v_first_day then
          raise debug 'search window by % days', v_days;
          v_rebuilt := v_rebuild;
          exit;
        end if;
        v_window := null;
        v_days := v_days * 2;
      end loop;
      perform set_config('enable_seqscan', 'on', true);
    end if;
    -- A new window of candidates is never found by reading every candidate: each further
    -- window would read them all again. The search goes on by windows of matches (this
    -- window is not served yet, so its kind is still free).
    if v_by_candidates and not v_first_of_call
       and (v_window is null or (v_newest_first and cardinality(v_window) < v_window_size)) then
      v_by_candidates := false;
      v_choosing := false;
      continue;
    end if;
    if (v_window is null and not v_rebuilt)
       or (v_newest_first and not v_rebuild and cardinality(v_window) < v_window_size) then
      perform set_config('enable_bitmapscan', 'on', true);
      perform set_config('enable_indexscan', 'off', true);
      execute format(
        $sql$select array_agg(row(c.hash, c.at, %2$s)::search_candidate
                              order by c.at desc, c.hash desc)
               from (select b.hash, b.created_at as at, b.search
                       from message_bodies b
                      where b.tenant_id = $2 and b.search @@ $7 %1$s
                      order by b.created_at desc, b.hash desc
                      limit $5) c$sql$,
        v_bound || v_range, format(v_rank, 'c'))
        into v_window
        using p_query, current_tenant_id(), v_at, v_hash,
              case when v_rebuild then null else v_window_size end, null::integer, v_set,
              p_bottom_at, p_bottom_hash;
    end if;
    -- The cursor's window may have lost every text since; the windows below it remain.
    if v_rebuild then
      v_window := coalesce(v_window, '{}');
    end if;
    exit when v_window is null;
    -- The first page's first window of candidates must hold the page; otherwise the
    -- search goes by windows of matches from the top.
    if v_choosing then
      v_choosing := false;
      select count(*) into v_matched from unnest(v_window) c where c.rank is not null;
      if v_matched < p_limit and cardinality(v_window) >= v_window_size then
        v_by_candidates := false;
        continue;
      end if;
    end if;
    raise debug 'search window of %', case when v_by_candidates then 'candidates' else 'matches' end;
    -- The cursor's window keeps its ends, whichever of its texts remain.
    if v_rebuild then
      v_top := row(p_top_hash, p_top_at, null)::search_candidate;
      v_bottom := row(p_bottom_hash, p_bottom_at, null)::search_candidate;
    else
      v_top := v_window[1];
      v_bottom := v_window[cardinality(v_window)];
    end if;
    return query
      select c.hash, c.rank, v_top.at, v_top.hash, v_by_candidates, v_bottom.at, v_bottom.hash
        from unnest(v_window) c
       where c.rank is not null
         and (v_after_rank is null or (c.rank, c.hash) <= (v_after_rank, v_after_hash))
       order by c.rank desc, c.hash desc
       limit v_left;
    get diagnostics v_shown = row_count;
    v_left := v_left - v_shown;
    exit when v_left <= 0 or (not v_rebuild and cardinality(v_window) < v_window_size);
    -- The next window: strictly older than this one's oldest, every hit of it after the cursor.
    v_at := v_bottom.at;
    v_hash := v_bottom.hash;
    v_bound := 'and (b.created_at, b.hash) < ($3, $4)';
    v_after_rank := null;
    v_after_hash := null;
    v_first_of_call := false;
    v_rebuild := false;
    v_range := '';
    if v_by_candidates then
      v_candidate_windows := v_candidate_windows + 1;
      if v_candidate_windows >= v_max_candidate_windows then
        v_by_candidates := false;
      end if;
    end if;
  end loop;
end
$$;
revoke all on function search_message_windows(tsquery, integer, timestamptz, bytea, real, bytea, boolean, timestamptz, bytea) from public;
grant execute on function search_message_windows(tsquery, integer, timestamptz, bytea, real, bytea, boolean, timestamptz, bytea) to devctx_app;

-- As before this migration (windows of matches), for a release that still calls it while
-- a deploy is under way.
create or replace function search_message_windows(p_query tsquery, p_limit integer,
                                                  p_top_at timestamptz, p_top_hash bytea,
                                                  p_after_rank real, p_after_hash bytea)
  returns table (hash bytea, rank real, window_at timestamptz, window_hash bytea)
  language sql volatile security definer set search_path = pg_catalog, public
begin atomic
  select w.hash, w.rank, w.window_at, w.window_hash
    from search_message_windows(p_query, p_limit, p_top_at, p_top_hash, p_after_rank,
                                p_after_hash, false, null, null) w;
end;
