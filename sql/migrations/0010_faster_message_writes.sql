-- Faster message writes (batch ingest is the hot path):
-- * messages_by_body (tenant_id, body_hash) is a prefix of messages_by_tenant_body and
--   only cost every insert a second index entry.
-- * A message's session is its conversation's session: one composite foreign key checks
--   both (one lookup per row instead of two) and also rules out a message whose
--   session_id disagrees with its conversation.
drop index messages_by_body;
alter table conversations add constraint conversations_session_key unique (tenant_id, id, session_id);
alter table messages
  drop constraint messages_tenant_id_conversation_id_fkey,
  drop constraint messages_tenant_id_session_id_fkey,
  add constraint messages_conversation_fkey foreign key (tenant_id, conversation_id, session_id)
    references conversations (tenant_id, id, session_id) on delete cascade;
