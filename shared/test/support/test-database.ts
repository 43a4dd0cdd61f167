import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { APP_ROLE, bootstrapDatabase, urlForDatabase, urlForRole } from '../../src/index.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

export interface TestDatabase {
  name: string;
  /** Superuser connection: for arranging data and inspecting the catalogue, never the app. */
  adminUrl: string;
  /** The runtime role, as the application connects. */
  appUrl: string;
  drop(): Promise<void>;
}

/** A freshly migrated database of this test file's own, cloned from the run's template. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase('devctx_test', `template ${inject('templateDatabase')}`);
}

/** A bootstrapped database without migrations, for tests of the migrator itself. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const database = await createDatabase('devctx_empty', '');
  await bootstrapDatabase(database.adminUrl);
  return database;
}

async function createDatabase(prefix: string, template: string): Promise<TestDatabase> {
  const serverUrl = inject('adminDatabaseUrl');
  const name = `${prefix}_${randomBytes(8).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name} ${template} owner devctx_owner`);
  const adminUrl = urlForDatabase(serverUrl, name);
  return {
    name,
    adminUrl,
    appUrl: urlForRole(adminUrl, APP_ROLE),
    drop: async () => {
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

export async function adminQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Moves a tenant to another tier, as the platform operator would (tenants cannot): for
 * tests that need room beyond the free tier.
 */
export async function setTenantTier(
  adminUrl: string,
  tenantId: string,
  tier: 'free' | 'pro' | 'enterprise',
) {
  await adminQuery(adminUrl, 'update tenants set tier = $2 where id = $1', [tenantId, tier]);
}
