import type { ColumnType, Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Kept by hand beside the migrations in sql/;
 * the catalogue test checks the database side, typecheck checks the queries against this.
 */
type CreatedAt = ColumnType<Date, never, never>;
type UpdatedAt = ColumnType<Date, never, Date>;

export type TenantTier = 'free' | 'pro' | 'enterprise';
export type TenantStatus = 'active' | 'suspended';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  tier: Generated<TenantTier>;
  status: Generated<TenantStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UsersTable {
  tenant_id: string;
  id: Generated<string>;
  email: string;
  name: string;
  password_hash: string | null;
  status: Generated<UserStatus>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TiersTable {
  tier: TenantTier;
  max_users: number;
  max_projects: number;
  max_repositories: number;
  max_messages: string; // bigint: pg returns it as a string
  max_storage_bytes: string;
  requests_per_hour: number;
}

export interface TenantUsageTable {
  tenant_id: string;
  users: number;
  projects: number;
  repositories: number;
  messages: string;
  storage_bytes: string;
  updated_at: Date;
}

export type SystemRoleKey = 'owner' | 'admin' | 'member' | 'viewer' | 'auditor';

export interface RolesTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  system_key: SystemRoleKey | null;
  permissions: Generated<string[]>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserRolesTable {
  tenant_id: string;
  user_id: string;
  role_id: string;
  created_at: CreatedAt;
}

export interface TeamsTable {
  tenant_id: string;
  id: Generated<string>;
  name: string;
  description: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type TeamRole = 'maintainer' | 'member';

export interface TeamMembersTable {
  tenant_id: string;
  team_id: string;
  user_id: string;
  team_role: Generated<TeamRole>;
  created_at: CreatedAt;
}

export interface AuthSessionsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Date;
  idle_expires_at: Date;
  last_used_at: Generated<Date>;
  revoked_at: Date | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
}

export interface RefreshTokensTable {
  tenant_id: string;
  id: Generated<string>;
  session_id: string;
  token_hash: Buffer;
  created_at: CreatedAt;
  used_at: Date | null;
}

export interface ApiKeysTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  name: string;
  prefix: string;
  secret_hash: Buffer;
  permissions: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

export interface InvitationsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  invited_by: string;
  expires_at: Date;
  accepted_at: Date | null;
  created_at: CreatedAt;
}

export interface AuditLogTable {
  tenant_id: string;
  id: Generated<string>;
  seq: ColumnType<string, never, never>;
  occurred_at: CreatedAt;
  action: string;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
}

export interface IdempotencyKeysTable {
  tenant_id: string;
  id: Generated<string>;
  scope: string;
  key: string;
  fingerprint: Buffer;
  state: Generated<'in_flight' | 'done'>;
  locked_until: Date;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  created_at: CreatedAt;
  expires_at: Date;
}

export type JobState = 'pending' | 'dispatched' | 'running' | 'succeeded' | 'dead';

export interface JobsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  state: Generated<JobState>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  run_after: Generated<Date>;
  dispatched_at: Date | null;
  last_error: string | null;
  result: ColumnType<unknown, string | null, string | null>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  finished_at: Date | null;
}

export interface ProjectsTable {
  tenant_id: string;
  id: Generated<string>;
  slug: string;
  name: string;
  description: Generated<string>;
  status: Generated<'active' | 'archived'>;
  team_id: string | null;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProjectPlansTable {
  tenant_id: string;
  project_id: string;
  version: number;
  markdown: string;
  phases: ColumnType<unknown, string, never>;
  created_by: string | null;
  created_at: CreatedAt;
}

export interface TaskListsTable {
  tenant_id: string;
  id: Generated<string>;
  project_id: string;
  name: string;
  description: Generated<string>;
  import_report: ColumnType<unknown, string | null, string | null>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TaskSectionsTable {
  tenant_id: string;
  id: Generated<string>;
  task_list_id: string;
  number: string | null;
  title: string;
  level: number;
  position: number;
}

export type TaskStatus = 'pending' | 'in_progress' | 'completed' | 'blocked' | 'cancelled';
export type TaskPriority = 'P0' | 'P1' | 'P2' | 'P3';

export interface TasksTable {
  tenant_id: string;
  id: Generated<string>;
  task_list_id: string;
  section_id: string | null;
  parent_task_id: string | null;
  title: string;
  description: Generated<string>;
  status: Generated<TaskStatus>;
  checked: Generated<boolean>;
  priority: TaskPriority | null;
  assignee_id: string | null;
  due_date: ColumnType<string | null, string | null, string | null>;
  estimate_hours: ColumnType<string | null, number | null, number | null>;
  position: number;
  labels: Generated<string[]>;
  completed_at: ColumnType<Date | null, never, never>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface TaskDependenciesTable {
  tenant_id: string;
  task_id: string;
  depends_on_id: string;
  created_at: CreatedAt;
}

export interface TaskCommentsTable {
  tenant_id: string;
  id: Generated<string>;
  task_id: string;
  author_id: string | null;
  body: string;
  created_at: CreatedAt;
}

export interface AiSessionsTable {
  tenant_id: string;
  id: Generated<string>;
  tool: string;
  model: string | null;
  external_id: string | null;
  project_id: string | null;
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
  created_at: CreatedAt;
}

export interface Database {
  tenants: TenantsTable;
  users: UsersTable;
  tiers: TiersTable;
  tenant_usage: TenantUsageTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  auth_sessions: AuthSessionsTable;
  refresh_tokens: RefreshTokensTable;
  api_keys: ApiKeysTable;
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  projects: ProjectsTable;
  project_plans: ProjectPlansTable;
  task_lists: TaskListsTable;
  task_sections: TaskSectionsTable;
  tasks: TasksTable;
  task_dependencies: TaskDependenciesTable;
  task_comments: TaskCommentsTable;
  ai_sessions: AiSessionsTable;
  conversations: ConversationsTable;
  message_bodies: MessageBodiesTable;
  messages: MessagesTable;
}
