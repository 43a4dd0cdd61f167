// `npm run db:migrate`: apply sql/migrations as the owner role. Production runs this as a
// Cloud Run job with MIGRATION_DATABASE_URL pointing at the owner (never the runtime role),
// through the Cloud SQL socket, and the owner's password in MIGRATION_DATABASE_PASSWORD (a
// secret of its own). With --bootstrap it first creates the roles (needs an administrator
// connection).
import { bootstrapDatabase, migrateDatabase } from '@devctx/shared';

const url = process.env.MIGRATION_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
  console.error('Set MIGRATION_DATABASE_URL (or DATABASE_URL) to the owner connection.');
  process.exit(78);
}
const password = process.env.MIGRATION_DATABASE_PASSWORD || undefined;
if (process.argv.includes('--bootstrap')) {
  await bootstrapDatabase(
    url,
    { owner: process.env.DATABASE_OWNER_PASSWORD, app: process.env.DATABASE_APP_PASSWORD },
    password,
  );
}
const applied = await migrateDatabase(url, {
  log: (line) => console.log(line),
  ...(password ? { password } : {}),
});
console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Nothing to apply: up to date.');
