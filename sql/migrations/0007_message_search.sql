-- Full-text search over message bodies: English stemming ranks prose ("exports" finds
-- "export"), the simple configuration keeps every language's words as they are, and a
-- trigram index finds identifiers and paths (rolling_log_handler.py, export-dedup) that
-- word parsing would split. Only the first 200,000 characters are indexed for words.
alter table message_bodies add column search tsvector
  generated always as (
    setweight(to_tsvector('english'::regconfig, left(content, 200000)), 'A') ||
    setweight(to_tsvector('simple'::regconfig, left(content, 200000)), 'B')
  ) stored;
create index message_bodies_search on message_bodies using gin (search);
create index message_bodies_trigram on message_bodies using gin (content gin_trgm_ops);
create index messages_by_tenant_body on messages (tenant_id, body_hash, session_id);
