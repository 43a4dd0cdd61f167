-- Count stored message bodies once per statement rather than once per row: a batch of a
-- thousand bodies is one counter update (and one row lock on tenant_usage), not two
-- thousand.
drop trigger message_bodies_usage on message_bodies;
drop function message_bodies_count_usage();

create function message_bodies_count_inserted() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v record;
begin
  for v in select tenant_id, count(*) as n, sum(byte_size) as bytes from inserted group by tenant_id loop
    perform bump_usage(v.tenant_id, 'messages', v.n);
    perform bump_usage(v.tenant_id, 'storage_bytes', v.bytes);
  end loop;
  return null;
end
$$;

create function message_bodies_count_deleted() returns trigger
  language plpgsql security definer set search_path = pg_catalog, public
as $$
declare
  v record;
begin
  for v in select tenant_id, count(*) as n, sum(byte_size) as bytes from deleted group by tenant_id loop
    perform bump_usage(v.tenant_id, 'messages', -v.n);
    perform bump_usage(v.tenant_id, 'storage_bytes', -v.bytes);
  end loop;
  return null;
end
$$;

create trigger message_bodies_usage_insert after insert on message_bodies
  referencing new table as inserted for each statement execute function message_bodies_count_inserted();
create trigger message_bodies_usage_delete after delete on message_bodies
  referencing old table as deleted for each statement execute function message_bodies_count_deleted();
