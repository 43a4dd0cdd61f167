-- Erasure of a person (issue 22): wherever the tenant's data holds their address or name,
-- it is replaced by their pseudonym. Driven by the catalogue, so a table or column added
-- later is covered without a change here. Runs as devctx_owner (the audit log is
-- append-only for the runtime role) but only ever on the tenant the caller has set, which
-- row-level security (forced, also for the owner) enforces besides the explicit filter.
--
-- p_patterns: regular expressions (case-insensitive) that find the person: their address
-- as a literal, their name as a whole word. p_json_patterns: the same as they appear inside
-- JSON text. Returns the rows changed per table.
-- The text with every pattern replaced, in order.
create function erased_text(p_text text, p_patterns text[], p_replacements text[])
  returns text language plpgsql immutable set search_path = pg_catalog
as $$
declare i integer;
begin
  for i in 1 .. coalesce(array_length(p_patterns, 1), 0) loop
    p_text := regexp_replace(p_text, p_patterns[i], p_replacements[i], 'gi');
  end loop;
  return p_text;
end
$$;

create function erase_person(p_tenant uuid, p_user uuid, p_patterns text[],
                             p_json_patterns text[], p_replacements text[])
  returns jsonb
  language plpgsql volatile security definer set search_path = pg_catalog, public
as $$
declare
  tab record;
  changed bigint;
  result jsonb := '{}';
  i integer;
  j integer;
  expression text;
  matches text;
  sets text[];
begin
  if p_tenant is distinct from current_tenant_id() then
    raise exception 'erase_person: the tenant must be the current one';
  end if;
  -- What was theirs alone: sign-ins (and their refresh tokens), keys, tokens, memberships,
  -- roles. The runtime role may only revoke these; erasure removes them.
  delete from auth_sessions where tenant_id = p_tenant and user_id = p_user;
  delete from api_keys where tenant_id = p_tenant and user_id = p_user;
  delete from invitations where tenant_id = p_tenant and user_id = p_user;
  delete from password_resets where tenant_id = p_tenant and user_id = p_user;
  delete from email_verifications where tenant_id = p_tenant and user_id = p_user;
  delete from team_members where tenant_id = p_tenant and user_id = p_user;
  delete from user_roles where tenant_id = p_tenant and user_id = p_user;

  for tab in
    select c.relname as name,
           array_agg(a.attname order by a.attnum) as columns,
           array_agg(t.typname order by a.attnum) as types
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                         and a.attgenerated = ''
      join pg_type t on t.oid = a.atttypid
     where n.nspname = 'public' and c.relkind in ('r', 'p')
       and exists (select 1 from pg_attribute k where k.attrelid = c.oid and k.attname = 'tenant_id')
       and t.typname in ('text', 'varchar', '_text', 'jsonb')
       -- The person's own row is rewritten by the caller; the stored texts are re-hashed
       -- below; term statistics are dropped below.
       and c.relname not in ('users', 'message_bodies', 'session_terms')
     group by c.relname
     order by 1
  loop
    sets := '{}';
    matches := 'false';
    for j in 1 .. array_length(tab.columns, 1) loop
      if tab.types[j] = 'jsonb' then
        expression := format('%I::text', tab.columns[j]);
        for i in 1 .. array_length(p_patterns, 1) loop
          expression := format('regexp_replace(%s, %L, %L, %L)', expression, p_json_patterns[i], p_replacements[i], 'gi');
          matches := matches || format(' or %I::text ~* %L', tab.columns[j], p_json_patterns[i]);
        end loop;
        expression := format('(%s)::jsonb', expression);
      elsif tab.types[j] = '_text' then
        expression := format('array(select erased_text(x, %L::text[], %L::text[]) from unnest(%I) with ordinality u(x, o) order by o)',
                             p_patterns, p_replacements, tab.columns[j]);
        matches := matches || format(' or array_to_string(%I, chr(10)) ~* any (%L::text[])', tab.columns[j], p_patterns);
      else
        expression := format('erased_text(%I, %L::text[], %L::text[])', tab.columns[j], p_patterns, p_replacements);
        matches := matches || format(' or %I ~* any (%L::text[])', tab.columns[j], p_patterns);
      end if;
      sets := sets || format('%I = %s', tab.columns[j], expression);
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
  if changed > 0 then result := result || jsonb_build_object('messages', changed); end if;
  delete from message_bodies b
   where b.tenant_id = p_tenant and b.content ~* any (p_patterns)
     and not exists (select 1 from messages m where m.tenant_id = p_tenant and m.body_hash = b.hash);

  -- Where they were seen from: the addresses and browsers of what they did.
  update audit_log set ip = null, user_agent = null
   where tenant_id = p_tenant and actor_user_id = p_user and (ip is not null or user_agent is not null);

  -- Term statistics naming the person are dropped (they are counts, rebuilt from messages).
  delete from session_terms s
   where s.tenant_id = p_tenant and s.term ~* any (p_patterns);
  -- Webhook payloads are stored as received (bytes): a delivery naming the address goes.
  delete from webhook_deliveries d
   where d.tenant_id = p_tenant
     and exists (select 1 from unnest(p_patterns) p
                  where encode(d.payload, 'escape') ~* p
                     or encode(d.payload, 'escape') ~* replace(p, '@', '%40'));
  return result;
end
$$;
revoke all on function erase_person(uuid, uuid, text[], text[], text[]) from public;
grant execute on function erase_person(uuid, uuid, text[], text[], text[]) to devctx_app;
