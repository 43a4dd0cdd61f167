-- E-mail verification (issue 22): a user's address is verified when they open a link mailed
-- to it; a tenant may withhold write permissions from members until they have.

-- When the current address was verified (null: not yet). A new address starts unverified.
alter table users add column email_verified_at timestamptz;

-- The tenant's choice: members with an unverified address may only read (and fix their profile).
alter table tenants add column require_verified_email boolean not null default false;
grant update (require_verified_email) on tenants to devctx_app;

-- One link per mail: the token (stored only as its SHA-256) and the address it was sent to,
-- so a link mailed before an address change cannot verify the new one.
create table email_verifications (
  tenant_id  uuid not null references tenants (id) on delete cascade,
  id         uuid not null default gen_random_uuid(),
  user_id    uuid not null,
  email      text not null,
  token_hash bytea not null,
  expires_at timestamptz not null,
  used_at    timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, token_hash),
  foreign key (tenant_id, user_id) references users (tenant_id, id) on delete cascade
);
create index email_verifications_by_user on email_verifications (tenant_id, user_id, created_at);

alter table email_verifications enable row level security;
alter table email_verifications force row level security;
create policy email_verifications_isolation on email_verifications
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update on email_verifications to devctx_app;

-- authenticate_request, and whether the caller's writes are withheld, and why: the reason
-- names a tenant rule the caller has not met yet. The four-argument form stays for the
-- release before.
create function authenticate_caller(p_tenant uuid, p_session uuid, p_user uuid,
                                    p_api_key_hash bytea)
  returns table (user_id uuid, api_key_id uuid, system_roles text[], custom_permissions text[],
                 key_permissions text[], requests_per_hour integer, writes_withheld text)
  language plpgsql volatile
as $$
begin
  perform set_config('app.tenant_id', p_tenant::text, true);
  return query
    select a.*,
           case when n.require_verified_email and u.email_verified_at is null
                then 'email_unverified' end
      from authenticate_request(p_tenant, p_session, p_user, p_api_key_hash) a
      join users u on u.tenant_id = p_tenant and u.id = a.user_id
      join tenants n on n.id = p_tenant;
end
$$;
revoke all on function authenticate_caller(uuid, uuid, uuid, bytea) from public;
grant execute on function authenticate_caller(uuid, uuid, uuid, bytea) to devctx_app;
