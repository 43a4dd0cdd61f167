-- Erasure of a person (issue 22): wherever people's words land in the tenant's data, their
-- address and name are replaced by their pseudonym. Runs as devctx_owner (the audit log is
-- append-only for the runtime role) but only ever on the tenant the caller has set, which
-- row-level security (forced, also for the owner) enforces besides the explicit filter.

-- When a person was erased: an erased user is not erased again, nor reactivated.
alter table users add column erased_at timestamptz;

-- The columns that hold prose — what people write, name and are named in — and may be
-- rewritten. Machine columns (actions, kinds, states, permissions, keys, hashes) never
-- are: a person called "created" must not rename the audit log's actions. A test keeps
-- every text column of every tenant table either here or on its list of machine columns.
create table erasable_columns (
  table_name  text not null,
  column_name text not null,
  -- The column's length limit (its check constraint): the pseudonym may be longer than
  -- what it replaces, and a text at its limit is cut rather than refused.
  max_length  integer,
  primary key (table_name, column_name)
);
insert into erasable_columns (table_name, column_name, max_length) values
  ('ai_sessions', 'title', 500), ('ai_sessions', 'working_dir', 2000), ('ai_sessions', 'git_branch', 500),
  ('audit_log', 'details', null),
  ('commits', 'author_name', null), ('commits', 'author_email', null),
  ('commits', 'subject', 2000), ('commits', 'body', 100000),
  ('conversations', 'title', 500),
  ('imports', 'report', null), ('imports', 'error', null), ('imports', 'progress', null),
  ('jobs', 'payload', null), ('jobs', 'result', null), ('jobs', 'last_error', null),
  ('messages', 'thinking', 1000000), ('messages', 'tool_calls', null),
  ('messages', 'file_references', null), ('messages', 'tags', null), ('messages', 'commands', null),
  ('project_plans', 'markdown', 1000000), ('project_plans', 'phases', null),
  ('projects', 'name', 200), ('projects', 'description', 5000),
  ('roles', 'description', 500),
  ('sync_events', 'error', null),
  ('task_comments', 'body', 20000),
  ('task_lists', 'name', 200), ('task_lists', 'description', 5000), ('task_lists', 'import_report', null),
  ('task_sections', 'title', 500),
  ('tasks', 'title', 1000), ('tasks', 'description', 20000), ('tasks', 'labels', null),
  ('teams', 'name', 100), ('teams', 'description', 1000),
  ('tenant_exports', 'error', null), ('tenant_imports', 'error', null),
  ('webhook_deliveries', 'summary', null), ('webhook_deliveries', 'error', null);
revoke all on erasable_columns from public;

-- Bytes as text: UTF-8 where they are, escaped where they are not.
create function utf8_or_escaped(p_bytes bytea)
  returns text language plpgsql immutable set search_path = pg_catalog
as $$
begin
  return convert_from(p_bytes, 'UTF8');
exception when others then
  return encode(p_bytes, 'escape');
end
$$;

-- The text with every pattern replaced, in order.
create function erased_text(p_text text, p_patterns text[], p_replacements text[])
  returns text language plpgsql immutable set search_path = pg_catalog, public
as $$
declare i integer;
begin
  for i in 1 .. coalesce(array_length(p_patterns, 1), 0) loop
    p_text := regexp_replace(p_text, p_patterns[i], p_replacements[i], 'gi');
  end loop;
  return p_text;
end
$$;

-- The same inside JSON: string values only (keys, numbers and booleans stay as they are).
create function erased_jsonb(p_value jsonb, p_patterns text[], p_replacements text[])
  returns jsonb language plpgsql immutable set search_path = pg_catalog, public
as $$
begin
  case jsonb_typeof(p_value)
    when 'string' then
      return to_jsonb(erased_text(p_value #>> '{}', p_patterns, p_replacements));
    when 'array' then
      return coalesce((select jsonb_agg(erased_jsonb(e, p_patterns, p_replacements) order by o)
                         from jsonb_array_elements(p_value) with ordinality x(e, o)), '[]');
    when 'object' then
      return coalesce((select jsonb_object_agg(k, erased_jsonb(v, p_patterns, p_replacements))
                         from jsonb_each(p_value) x(k, v)), '{}');
    else
      return p_value;
  end case;
end
$$;

-- Removes what was the person's alone (sign-ins and their refresh tokens, keys, tokens,
-- memberships, roles; the runtime role may only revoke these), clears where they were seen
-- from in the audit log, and — for each pattern that finds them — rewrites every prose
-- column, re-hashes stored message texts, and drops term statistics and webhook payloads
-- naming them. Returns the rows changed per table.
create function erase_person(p_tenant uuid, p_user uuid, p_patterns text[], p_replacements text[],
                             p_cores text[])
  returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  tab record;
  changed bigint;
  result jsonb := '{}';
  j integer;
  sets text[];
  matches text;
begin
  if p_tenant is distinct from current_tenant_id() then
    raise exception 'erase_person: the tenant must be the current one';
  end if;
  delete from auth_sessions where tenant_id = p_tenant and user_id = p_user;
  delete from api_keys where tenant_id = p_tenant and user_id = p_user;
  delete from invitations where tenant_id = p_tenant and user_id = p_user;
  delete from password_resets where tenant_id = p_tenant and user_id = p_user;
  delete from email_verifications where tenant_id = p_tenant and user_id = p_user;
  delete from team_members where tenant_id = p_tenant and user_id = p_user;
  delete from user_roles where tenant_id = p_tenant and user_id = p_user;
  update audit_log set ip = null, user_agent = null
   where tenant_id = p_tenant and actor_user_id = p_user and (ip is not null or user_agent is not null);
  if coalesce(array_length(p_patterns, 1), 0) = 0 then
    return result;
  end if;

  for tab in
    select e.table_name as name,
           array_agg(e.column_name order by a.attnum) as columns,
           array_agg(t.typname order by a.attnum) as types,
           array_agg(coalesce(e.max_length, 0) order by a.attnum) as limits
      from erasable_columns e
      join pg_class c on c.relname = e.table_name and c.relnamespace = 'public'::regnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attname = e.column_name and not a.attisdropped
      join pg_type t on t.oid = a.atttypid
     where t.typname in ('text', 'varchar', '_text', 'jsonb')
     group by e.table_name
     order by 1
  loop
    sets := '{}';
    matches := 'false';
    for j in 1 .. array_length(tab.columns, 1) loop
      sets := sets || format(
        case tab.types[j]
          when 'jsonb' then '%1$I = erased_jsonb(%1$I, %2$L::text[], %3$L::text[])'
          when '_text' then '%1$I = array(select erased_text(x, %2$L::text[], %3$L::text[]) from unnest(%1$I) with ordinality u(x, o) order by o)'
          when 'text' then case when tab.limits[j] > 0
                                then '%1$I = left(erased_text(%1$I, %2$L::text[], %3$L::text[]), %4$s)'
                                else '%1$I = erased_text(%1$I, %2$L::text[], %3$L::text[])' end
          else '%1$I = erased_text(%1$I, %2$L::text[], %3$L::text[])'
        end, tab.columns[j], p_patterns, p_replacements, tab.limits[j]);
      -- JSON is matched on its text loosely (a name's core, escapes and all), then only the
      -- rows whose string values change are written.
      matches := matches || format(
        case tab.types[j]
          when 'jsonb' then ' or (%1$I::text ilike any (%4$L::text[]) and erased_jsonb(%1$I, %2$L::text[], %3$L::text[]) is distinct from %1$I)'
          when '_text' then ' or array_to_string(%1$I, chr(10)) ~* any (%2$L::text[])'
          else ' or %1$I ~* any (%2$L::text[])'
        end, tab.columns[j], p_patterns, p_replacements, p_cores);
    end loop;
    execute format('update %I set %s where tenant_id = $1 and (%s)',
                   tab.name, array_to_string(sets, ', '), matches)
      using p_tenant;
    get diagnostics changed = row_count;
    if changed > 0 then result := result || jsonb_build_object(tab.name, changed); end if;
  end loop;

  -- Stored texts are addressed by their SHA-256: a rewritten text is stored anew, its
  -- messages point to it, and the old text goes once nothing uses it.
  with rewritten as (
    select b.hash as old_hash, erased_text(b.content, p_patterns, p_replacements) as content
      from message_bodies b
     where b.tenant_id = p_tenant and b.content ~* any (p_patterns)
  ), stored as (
    insert into message_bodies (tenant_id, hash, content, byte_size)
    select p_tenant, sha256(convert_to(r.content, 'UTF8')), r.content, octet_length(r.content)
      from rewritten r
    on conflict do nothing
  )
  update messages m set body_hash = sha256(convert_to(r.content, 'UTF8'))
    from rewritten r
   where m.tenant_id = p_tenant and m.body_hash = r.old_hash;
  get diagnostics changed = row_count;
  if changed > 0 then result := result || jsonb_build_object('message texts', changed); end if;
  delete from message_bodies b
   where b.tenant_id = p_tenant and b.content ~* any (p_patterns)
     and not exists (select 1 from messages m where m.tenant_id = p_tenant and m.body_hash = b.hash);

  -- Term statistics naming the person are dropped (they are counts, rebuilt from messages).
  delete from session_terms s where s.tenant_id = p_tenant and s.term ~* any (p_patterns);
  -- Webhook payloads are stored as received (bytes), and cached answers as JSON text: a
  -- row naming the person goes (a delivery log; a replay cache of a day).
  delete from webhook_deliveries d
   where d.tenant_id = p_tenant
     and (utf8_or_escaped(d.payload) ilike any (p_cores)
          or replace(utf8_or_escaped(d.payload), '%40', '@') ilike any (p_cores));
  delete from idempotency_keys k
   where k.tenant_id = p_tenant and k.response_body ilike any (p_cores);
  return result;
end
$$;
revoke all on function erase_person(uuid, uuid, text[], text[], text[]) from public;
grant execute on function erase_person(uuid, uuid, text[], text[], text[]) to devctx_app;
