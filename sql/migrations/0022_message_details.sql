-- What a Claude Code transcript says of each message, kept: the model that wrote it, its
-- thinking (stored, but not in the searched body), whether it ran in a sidechain (a
-- sub-agent's thread) and which message it follows, and — for a tool's answer — the tool
-- calls it answers. Tool calls themselves were already kept (tool_calls); imports now
-- fill it.
alter table messages
  add column model               text check (length(model) <= 200),
  add column thinking            text check (length(thinking) <= 1000000),
  add column sidechain           boolean not null default false,
  add column parent_external_id  text check (length(parent_external_id) <= 500),
  add column answers_tool_calls  text[] not null default '{}';
