-- The tier is the platform operator's to change (PUT /v1/tenant/tier let any owner lift
-- every quota). The permission that allowed it is gone from the catalogue; custom roles
-- and API keys that held it lose it. Owners keep what only they do as tenant:own.
alter table roles no force row level security;
alter table api_keys no force row level security;
update roles set permissions = array_remove(permissions, 'tenant:manage_tier')
 where 'tenant:manage_tier' = any (permissions);
update api_keys set permissions = array_remove(permissions, 'tenant:manage_tier')
 where 'tenant:manage_tier' = any (permissions);
alter table roles force row level security;
alter table api_keys force row level security;
