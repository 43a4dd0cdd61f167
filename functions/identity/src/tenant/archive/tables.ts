/**
 * What a tenant archive holds: every table of the tenant's own data, in the order they are
 * written and imported (each after the tables it references), without the columns that
 * are secrets. A test holds this against the catalogue: every table with a tenant_id is
 * either here or in NOT_ARCHIVED with the reason.
 */
export interface ArchivedTable {
  name: string;
  /** Columns left out: credentials, and secrets that only mean something on this server. */
  secret?: string[];
  /** Secret columns an import fills anew (with 32 random bytes), as they may not be empty. */
  madeAnew?: string[];
  /** Secret columns an import takes from a row when it has them (the importer's password). */
  takenWhenGiven?: string[];
  /** Written, and kept on import, in an order where each row comes after its parent. */
  parentsFirst?: { column: string };
  /** In the archive for the record, not imported (the new tenant's log starts with the import). */
  exportOnly?: true;
}

export const ARCHIVED_TABLES: ArchivedTable[] = [
  { name: 'roles' },
  // The importing owner keeps the password they signed up with; everyone else chooses a
  // new one (password reset) in the new place. An address is verified by the server that
  // mailed it: an archive (which anyone can write) cannot say so.
  {
    name: 'users',
    secret: ['password_hash', 'email_verified_at'],
    takenWhenGiven: ['password_hash'],
  },
  { name: 'user_roles' },
  { name: 'teams' },
  { name: 'team_members' },
  { name: 'projects' },
  { name: 'project_plans' },
  { name: 'task_lists' },
  { name: 'task_sections' },
  { name: 'tasks', parentsFirst: { column: 'parent_task_id' } },
  { name: 'task_dependencies' },
  { name: 'task_comments' },
  {
    name: 'repositories',
    // The webhook secrets and the GitHub token are this server's: an import makes a new
    // webhook secret, and the owner connects GitHub again.
    secret: [
      'webhook_secret',
      'previous_webhook_secret',
      'previous_secret_expires_at',
      'token_secret',
      'github_token',
      'github_token_hint',
    ],
    madeAnew: ['webhook_secret'],
  },
  { name: 'commits' },
  { name: 'commit_tasks' },
  { name: 'ai_sessions' },
  { name: 'conversations' },
  { name: 'message_bodies' },
  { name: 'messages' },
  { name: 'audit_log', exportOnly: true },
];

export const NOT_ARCHIVED: Record<string, string> = {
  api_keys: 'credentials: keys are made anew where the data goes',
  auth_sessions: 'sign-in sessions',
  refresh_tokens: 'sign-in sessions',
  invitations: 'single-use tokens',
  password_resets: 'single-use tokens',
  email_verifications: 'single-use tokens',
  idempotency_keys: 'a replay cache of recent requests',
  usage_pending: 'counts on their way to tenant_usage, within one transaction',
  jobs: 'records of background work',
  imports: 'records of uploads being imported (their sessions are in the archive)',
  tenant_exports: 'records of archives',
  tenant_imports: 'records of archives',
  sync_events: 'the log of repository syncs',
  webhook_deliveries: 'the log of webhook deliveries',
  session_terms: 'derived from messages: rebuilt as they are imported',
  tenant_usage: 'counters of the rows: rebuilt as they are imported',
};

/** The archive's first line says what it is; an importer refuses anything else. */
export const ARCHIVE_FORMAT = 'devctx-tenant-archive';
export const ARCHIVE_VERSION = 1;

/** How deep a task tree may be walked when writing parents first (the product allows far less). */
export const MAX_TREE_DEPTH = 1000;
