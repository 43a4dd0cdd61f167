-- Run by an administrator against the product's database before migrating: the local
-- launcher and the test setup do it themselves; on Cloud SQL the deploy pipeline does.
-- Idempotent. Passwords are set apart, from configuration or Secret Manager, never here.
--
-- devctx_owner  owns every table and runs the migrations.
-- devctx_app    what the application connects as: not superuser, no BYPASSRLS, owns nothing,
--               and gets only the DML grants each migration gives it.
do $$
begin
  -- Several databases may be bootstrapped at once (roles are cluster-wide): every step
  -- below only acts when needed, and a concurrent creation counts as done.
  if not exists (select from pg_roles where rolname = 'devctx_owner') then
    begin
      create role devctx_owner login nosuperuser nocreaterole nocreatedb nobypassrls;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  if not exists (select from pg_roles where rolname = 'devctx_app') then
    begin
      create role devctx_app login nosuperuser nocreaterole nocreatedb nobypassrls noinherit;
    exception when duplicate_object or unique_violation then null;
    end;
  end if;
  -- Re-assert the attributes that tenant isolation relies on, in case someone changed them.
  if exists (select from pg_roles where rolname = 'devctx_app'
              and (rolsuper or rolbypassrls or rolcreaterole or rolcreatedb)) then
    alter role devctx_app nosuperuser nobypassrls nocreaterole nocreatedb;
  end if;
  if exists (select from pg_roles where rolname = 'devctx_owner' and (rolsuper or rolbypassrls)) then
    alter role devctx_owner nosuperuser nobypassrls;
  end if;
  -- The administrator running migrations must be able to SET ROLE devctx_owner.
  if current_user <> 'devctx_owner' and not pg_has_role(current_user, 'devctx_owner', 'member') then
    begin
      execute format('grant devctx_owner to %I', current_user);
    exception when others then
      -- Granted meanwhile by a concurrent bootstrap: fine. Anything else: a real error.
      if not pg_has_role(current_user, 'devctx_owner', 'member') then raise; end if;
    end;
  end if;
end
$$;

-- The owner creates the product's objects in this database's public schema.
grant usage, create on schema public to devctx_owner;

-- Migrations 0007 and 0011 built trigram indexes for message search (0032 replaced them
-- with code words in the search vector); a new database still applies those migrations.
create extension if not exists pg_trgm;
-- Lets a GIN index lead with tenant_id, so a text search reads only its tenant's entries.
create extension if not exists btree_gin;
