import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate } from 'postgres-migrations';
import { connectionSettings } from './connection.ts';

/** The role that owns the schema and runs migrations, and the role the app connects as. */
export const OWNER_ROLE = 'devctx_owner';
export const APP_ROLE = 'devctx_app';

// sql/ is three folders up in the repository, and beside the bundled file in a bundle
// (npm run build copies it there for the bundles that migrate).
const bundled = fileURLToPath(new URL('./sql/', import.meta.url));
const SQL_DIR = existsSync(bundled)
  ? bundled
  : fileURLToPath(new URL('../../../sql/', import.meta.url));
export const MIGRATIONS_DIR = path.join(SQL_DIR, 'migrations');
const BOOTSTRAP_SQL = path.join(SQL_DIR, 'bootstrap.sql');

export interface RolePasswords {
  owner?: string | undefined;
  app?: string | undefined;
}

/**
 * Creates the roles and the owner's rights in one database, as an administrator. Safe to
 * run again and from several processes at once (serialised by an advisory lock).
 */
export async function bootstrapDatabase(
  adminUrl: string,
  passwords: RolePasswords = {},
  adminPassword?: string,
) {
  const client = new pg.Client(connectionSettings(adminUrl, adminPassword));
  await client.connect();
  try {
    await client.query(`select pg_advisory_lock(hashtext('devctx:bootstrap'))`);
    await client.query(await readFile(BOOTSTRAP_SQL, 'utf8'));
    for (const [role, password] of [
      [OWNER_ROLE, passwords.owner],
      [APP_ROLE, passwords.app],
    ] as const) {
      if (password)
        await client.query(`alter role ${role} password ${client.escapeLiteral(password)}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Applies sql/migrations in order, each file in its own transaction, under an advisory lock,
 * recording each file's hash; refuses to run if an applied file was edited
 * (postgres-migrations does the bookkeeping). Objects are created as OWNER_ROLE whichever
 * member of it connects.
 */
export async function migrateDatabase(
  url: string,
  options: { log?: (message: string) => void; dir?: string; password?: string } = {},
): Promise<string[]> {
  const client = new pg.Client(connectionSettings(url, options.password));
  await client.connect();
  try {
    await client.query(`set role ${OWNER_ROLE}`);
    const applied = await migrate({ client }, options.dir ?? MIGRATIONS_DIR, {
      logger: options.log ?? (() => {}),
    });
    return applied.map((m) => m.fileName);
  } finally {
    await client.end();
  }
}
