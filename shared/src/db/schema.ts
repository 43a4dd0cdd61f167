/**
 * Row types of every table, as Kysely sees them, one file per family under tables/. Kept
 * by hand beside the migrations in sql/: the catalogue test checks the database side,
 * typecheck checks the queries against these.
 */
import type * as context from './tables/context.ts';
import type * as identity from './tables/identity.ts';
import type * as infrastructure from './tables/infrastructure.ts';
import type * as projects from './tables/projects.ts';
import type * as repositories from './tables/repositories.ts';

export type * from './tables/context.ts';
export type * from './tables/identity.ts';
export type * from './tables/infrastructure.ts';
export type * from './tables/projects.ts';
export type * from './tables/repositories.ts';

export interface Database {
  tenants: identity.TenantsTable;
  users: identity.UsersTable;
  tiers: identity.TiersTable;
  tenant_usage: identity.TenantUsageTable;
  roles: identity.RolesTable;
  user_roles: identity.UserRolesTable;
  teams: identity.TeamsTable;
  team_members: identity.TeamMembersTable;
  auth_sessions: identity.AuthSessionsTable;
  refresh_tokens: identity.RefreshTokensTable;
  api_keys: identity.ApiKeysTable;
  invitations: identity.InvitationsTable;
  password_resets: identity.PasswordResetsTable;
  email_verifications: identity.EmailVerificationsTable;
  tenant_exports: identity.TenantExportsTable;
  tenant_imports: identity.TenantImportsTable;
  audit_log: identity.AuditLogTable;
  idempotency_keys: infrastructure.IdempotencyKeysTable;
  jobs: infrastructure.JobsTable;
  projects: projects.ProjectsTable;
  project_plans: projects.ProjectPlansTable;
  task_lists: projects.TaskListsTable;
  task_sections: projects.TaskSectionsTable;
  tasks: projects.TasksTable;
  task_dependencies: projects.TaskDependenciesTable;
  task_comments: projects.TaskCommentsTable;
  ai_sessions: context.AiSessionsTable;
  conversations: context.ConversationsTable;
  message_bodies: context.MessageBodiesTable;
  messages: context.MessagesTable;
  session_terms: context.SessionTermsTable;
  imports: context.ImportsTable;
  repositories: repositories.RepositoriesTable;
  commits: repositories.CommitsTable;
  commit_tasks: repositories.CommitTasksTable;
  webhook_deliveries: repositories.WebhookDeliveriesTable;
  sync_events: repositories.SyncEventsTable;
}
