-- A session happens in a repository: its commits during the session's time window are the
-- session's commits (GET /v1/sessions/{id}/commits). Without one, the repositories of the
-- session's project are used.
alter table ai_sessions add column repository_id uuid;
alter table ai_sessions add constraint ai_sessions_repository_fkey
  foreign key (tenant_id, repository_id) references repositories (tenant_id, id) on delete set null (repository_id);
create index ai_sessions_by_repository on ai_sessions (tenant_id, repository_id);
