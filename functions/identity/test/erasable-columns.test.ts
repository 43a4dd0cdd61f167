import { adminQuery, createTestDatabase, type TestDatabase } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Erasure rewrites the prose columns (erasable_columns, migration 0029) and nothing else.
// Every text column of every tenant table is either there or named here as a machine
// column with the reason: a column added later is classified, never forgotten.
const MACHINE: Record<string, string> = {
  'ai_sessions.external_id': "the tool's own id",
  'ai_sessions.model': 'a model name',
  'ai_sessions.tool': 'a kind',
  'api_keys.name': "erased with the person's keys (they are deleted)",
  'api_keys.permissions': 'permissions',
  'api_keys.prefix': 'part of a key',
  'audit_log.action': 'a kind',
  'audit_log.ip': "cleared for the person's own events",
  'audit_log.request_id': 'an id',
  'audit_log.target_id': 'an id',
  'audit_log.target_type': 'a kind',
  'audit_log.user_agent': "cleared for the person's own events",
  'auth_sessions.ip': "erased with the person's sessions (they are deleted)",
  'auth_sessions.revoked_reason': 'a kind',
  'auth_sessions.user_agent': "erased with the person's sessions (they are deleted)",
  'commit_tasks.sha': 'a hash',
  'commits.branches': 'branch names (the repository’s)',
  'commits.scope': 'a conventional-commit scope',
  'commits.sha': 'a hash',
  'commits.source': 'a kind',
  'commits.type': 'a kind',
  'commits.url': 'a link to the provider',
  'email_verifications.email': "the person's own rows (deleted)",
  'idempotency_keys.key': "a client's key",
  'idempotency_keys.response_body':
    'a cached answer (JSON text): rows naming the person are deleted',
  'idempotency_keys.response_headers': 'headers',
  'idempotency_keys.scope': 'a scope',
  'idempotency_keys.state': 'a state',
  'imports.kind': 'a kind',
  'imports.status': 'a state',
  'imports.storage_key': 'a storage key',
  'jobs.kind': 'a kind',
  'jobs.state': 'a state',
  'message_bodies.code_words': 'words of the content: the row goes when erase_person re-hashes it',
  'message_bodies.content': 're-hashed by erase_person itself',
  'messages.answers_tool_calls': 'tool call ids',
  'messages.external_id': "the tool's own id",
  'messages.model': 'a model name',
  'messages.parent_external_id': "the tool's own id",
  'messages.role': 'a kind',
  'projects.slug': 'a key in URLs',
  'projects.status': 'a state',
  'repositories.default_branch': 'a branch name',
  'repositories.full_name': "the provider's name of the repository",
  'repositories.github_token_hint': 'part of a token',
  'repositories.provider': 'a kind',
  'repositories.token_secret': 'a secret’s name',
  'repositories.url': 'a link to the provider',
  'roles.name': 'a role’s name, unique, used to assign it',
  'roles.permissions': 'permissions',
  'roles.system_key': 'a kind',
  'session_terms.kind': 'a kind',
  'session_terms.operations': 'kinds',
  'session_terms.term': 'dropped by erase_person itself when it names the person',
  'sync_events.source': 'a kind',
  'sync_events.status': 'a state',
  'sync_events.trigger': 'a kind',
  'task_sections.number': 'a number',
  'tasks.priority': 'a kind',
  'tasks.status': 'a state',
  'team_members.team_role': 'a kind',
  'tenant_exports.counts': 'numbers',
  'tenant_exports.digests': 'hashes',
  'tenant_exports.status': 'a state',
  'tenant_exports.storage_key': 'a storage key',
  'tenant_imports.counts': 'numbers',
  'tenant_imports.status': 'a state',
  'tenant_imports.storage_key': 'a storage key',
  'users.email': "the person's own row, rewritten by eraseUser",
  'users.name': "the person's own row, rewritten by eraseUser",
  'users.password_hash': "the person's own row, cleared by eraseUser",
  'users.status': 'a state',
  'webhook_deliveries.content_type': 'a kind',
  'webhook_deliveries.delivery_id': "the provider's id",
  'webhook_deliveries.event': 'a kind',
  'webhook_deliveries.status': 'a state',
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('erasure', () => {
  it('knows every text column of every tenant table as prose or as a machine column', async () => {
    const columns = (
      await adminQuery<{ name: string }>(
        db.adminUrl,
        `select c.relname || '.' || a.attname as name
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
           join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                              and a.attgenerated = ''
           join pg_type t on t.oid = a.atttypid
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and exists (select 1 from pg_attribute k where k.attrelid = c.oid and k.attname = 'tenant_id')
            and t.typname in ('text', 'varchar', '_text', '_varchar', 'jsonb', 'json', 'citext')
          order by 1`,
      )
    ).map((c) => c.name);
    const prose = (
      await adminQuery<{ name: string }>(
        db.adminUrl,
        `select table_name || '.' || column_name as name from erasable_columns order by 1`,
      )
    ).map((c) => c.name);
    expect(
      prose.filter((p) => !columns.includes(p)),
      'prose columns that do not exist',
    ).toEqual([]);
    expect(
      prose.filter((p) => p in MACHINE),
      'both prose and machine',
    ).toEqual([]);
    expect(
      columns.filter((c) => !prose.includes(c) && !(c in MACHINE)),
      'classify these in erasable_columns (prose) or here (machine)',
    ).toEqual([]);
  });
});
