import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../columns.ts';

export type TenantTier = 'free' | 'pro' | 'enterprise';
export type TenantStatus = 'active' | 'suspended';
export type UserStatus = 'invited' | 'active' | 'deactivated';

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  tier: Generated<TenantTier>;
  status: Generated<TenantStatus>;
  require_verified_email: Generated<boolean>;
  deletion_requested_at: Date | null;
  deletion_due_at: Date | null;
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
  email_verified_at: Date | null;
  erased_at: Generated<Date | null>;
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

export interface PasswordResetsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  token_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface EmailVerificationsTable {
  tenant_id: string;
  id: Generated<string>;
  user_id: string;
  email: string;
  token_hash: Buffer;
  expires_at: Date;
  used_at: Date | null;
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

export type ArchiveStatus = 'queued' | 'succeeded' | 'failed';

export interface TenantExportsTable {
  tenant_id: string;
  id: Generated<string>;
  status: Generated<ArchiveStatus>;
  requested_by: string | null;
  storage_key: string;
  bytes: ColumnType<string | null, number | null, number | null>;
  counts: ColumnType<Record<string, number> | null, string | null, string | null>;
  digests: ColumnType<Record<string, string> | null, string | null, string | null>;
  error: string | null;
  created_at: CreatedAt;
  finished_at: Date | null;
  expires_at: Date | null;
  purged_at: Date | null;
}

export interface TenantImportsTable {
  tenant_id: string;
  id: Generated<string>;
  status: Generated<ArchiveStatus>;
  requested_by: string | null;
  storage_key: string;
  bytes: ColumnType<string, number, number>;
  counts: ColumnType<Record<string, number> | null, string | null, string | null>;
  error: string | null;
  created_at: CreatedAt;
  finished_at: Date | null;
}
