import type { Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../columns.ts';

export type Provider = 'github' | 'gitlab' | 'generic';

export interface RepositoriesTable {
  tenant_id: string;
  id: Generated<string>;
  provider: Provider;
  full_name: string;
  url: string | null;
  default_branch: Generated<string>;
  project_id: string | null;
  sync_enabled: Generated<boolean>;
  sync_interval_minutes: Generated<number>;
  /** Superseded by github_token (migration 0018); always null now. */
  token_secret: string | null;
  /** Sealed with the tenant and repository as associated data. */
  github_token: Buffer | null;
  /** The token's last four characters, so a person can tell which one is set. */
  github_token_hint: string | null;
  last_synced_at: Date | null;
  /** AES-256-GCM envelope (shared/src/crypto/secret-box.ts), never the secret itself. */
  webhook_secret: Buffer;
  previous_webhook_secret: Buffer | null;
  previous_secret_expires_at: Date | null;
  rejected_deliveries: Generated<string>; // bigint
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type CommitSource = 'webhook' | 'sync' | 'git-log' | 'v1-import';

export interface CommitsTable {
  tenant_id: string;
  repository_id: string;
  sha: string;
  author_name: string | null;
  author_email: string | null;
  committed_at: Date;
  subject: string;
  body: Generated<string>;
  type: string | null;
  scope: string | null;
  breaking: Generated<boolean>;
  files_changed: number | null;
  insertions: number | null;
  deletions: number | null;
  url: string | null;
  branches: Generated<string[]>;
  source: CommitSource;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CommitTasksTable {
  tenant_id: string;
  repository_id: string;
  sha: string;
  task_id: string;
  closes: Generated<boolean>;
  created_at: CreatedAt;
}

export type DeliveryStatus = 'queued' | 'processed' | 'ignored' | 'failed';

export interface WebhookDeliveriesTable {
  tenant_id: string;
  id: Generated<string>;
  repository_id: string;
  delivery_id: string;
  event: string;
  status: Generated<DeliveryStatus>;
  content_type: string;
  payload: Buffer;
  byte_size: number;
  summary: unknown | null;
  error: string | null;
  attempts: Generated<number>;
  received_at: Generated<Date>;
  processed_at: Date | null;
  processing_ms: number | null;
}

export interface SyncEventsTable {
  tenant_id: string;
  id: Generated<string>;
  repository_id: string;
  trigger: 'manual' | 'scheduled' | 'upload';
  source: 'github' | 'git-log';
  status: Generated<'running' | 'succeeded' | 'failed'>;
  fetched: Generated<number>;
  inserted: Generated<number>;
  updated: Generated<number>;
  pages: Generated<number>;
  error: string | null;
  started_at: Generated<Date>;
  finished_at: Date | null;
  duration_ms: number | null;
}
