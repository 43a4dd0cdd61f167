-- Idempotency-Key (IETF httpapi draft): the first response to a key is kept for 24 hours
-- and replayed to retries of the same request by the same caller.
create table idempotency_keys (
  tenant_id        uuid not null references tenants (id) on delete cascade,
  id               uuid not null default gen_random_uuid(),
  -- The caller the key belongs to: a user, or one API key of a user.
  scope            text not null,
  key              text not null check (length(key) between 1 and 255),
  fingerprint      bytea not null,
  state            text not null default 'in_flight' check (state in ('in_flight', 'done')),
  locked_until     timestamptz not null,
  response_status  integer,
  response_headers jsonb,
  response_body    text,
  created_at       timestamptz not null default now(),
  expires_at       timestamptz not null,
  primary key (tenant_id, id),
  unique (tenant_id, scope, key)
);
create index idempotency_keys_expiry on idempotency_keys (tenant_id, expires_at);

alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;
create policy idempotency_keys_isolation on idempotency_keys
  using (tenant_id = (select current_tenant_id()))
  with check (tenant_id = (select current_tenant_id()));
grant select, insert, update, delete on idempotency_keys to devctx_app;
