-- A repository's GitHub token, given once by the tenant and kept sealed (AES-256-GCM,
-- bound to tenant and repository like the webhook secret), instead of token_secret: the
-- *name* of a server-side secret, through which a tenant could have the server send any
-- secret it holds (or another tenant's token) to GitHub. Names already stored are
-- forgotten: such a repository syncs without a token until one is given. token_secret
-- stays for the release before this one and goes in a later migration.
alter table repositories
  add column github_token      bytea,
  add column github_token_hint text check (length(github_token_hint) <= 8);

alter table repositories no force row level security;
update repositories set token_secret = null where token_secret is not null;
alter table repositories force row level security;
