import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../columns.ts';

export interface AiSessionsTable {
  tenant_id: string;
  id: Generated<string>;
  tool: string;
  model: string | null;
  external_id: string | null;
  project_id: string | null;
  repository_id: Generated<string | null>;
  user_id: string | null;
  git_branch: string | null;
  working_dir: string | null;
  title: string | null;
  started_at: Generated<Date>;
  ended_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ConversationsTable {
  tenant_id: string;
  id: Generated<string>;
  session_id: string;
  title: string | null;
  created_at: CreatedAt;
}

export interface MessageBodiesTable {
  tenant_id: string;
  hash: Buffer;
  content: string;
  byte_size: number;
  created_at: CreatedAt;
}

export type MessageRole = 'user' | 'assistant' | 'system' | 'tool';

export interface MessagesTable {
  tenant_id: string;
  id: Generated<string>;
  conversation_id: string;
  session_id: string;
  sequence: number;
  role: MessageRole;
  body_hash: Buffer;
  external_id: string | null;
  occurred_at: Date | null;
  input_tokens: number | null;
  output_tokens: number | null;
  tool_calls: ColumnType<unknown, string, string>;
  file_references: ColumnType<unknown, string, string>;
  commands: string[];
  tags: string[];
  model: string | null;
  /** The assistant's thinking: kept, never in the searched body. */
  thinking: string | null;
  /** Written in a sidechain (a sub-agent's thread). */
  sidechain: Generated<boolean>;
  parent_external_id: string | null;
  /** The tool calls (their ids) this message is the answer to. */
  answers_tool_calls: Generated<string[]>;
  created_at: CreatedAt;
}

/** A session’s count of one tag, file or command (kept by a trigger on messages; see 0015). */
export interface SessionTermsTable {
  tenant_id: string;
  session_id: string;
  kind: 'tag' | 'file' | 'command';
  term: string;
  occurrences: number;
  operations: string[];
  last_at: Date | null;
  term_digest: Buffer;
}

export interface ImportsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: 'v1-export' | 'claude-code';
  status: Generated<'queued' | 'running' | 'succeeded' | 'failed'>;
  storage_key: string;
  project_id: string | null;
  created_by: string | null;
  progress: ColumnType<unknown, string | undefined, string>;
  report: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  finished_at: Date | null;
  /** Size of the stored upload, counted toward storage until it is purged. */
  upload_bytes: Generated<number>;
  upload_purged_at: Date | null;
}
