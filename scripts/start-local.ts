// `npm start`: the product on a laptop. Without DATABASE_URL it runs an embedded PostgreSQL
// under .data/ (data survives restarts); with DATABASE_URL it uses that server, connecting
// there as an administrator to create the roles and migrate. Either way the API itself
// then connects as the runtime role, exactly as in production.
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  APP_ROLE,
  bootstrapDatabase,
  migrateDatabase,
  runServer,
  urlForDatabase,
  urlForRole,
} from '@devctx/shared';
import pg from 'pg';
import { allJobs, allRoutes } from '../functions/api/src/routes.ts';
import { buildDashboard } from './lib/build-dashboard.ts';
import { startEmbeddedPostgres } from './lib/embedded-postgres.ts';
import { loadLocalSecrets } from './lib/local-secrets.ts';

process.env.METADATA_SERVER_DETECTION ??= 'none';
// The dashboard at / is built once (web/dist); `npm run build --workspace web` rebuilds it.
if (!existsSync(path.resolve(import.meta.dirname, '..', 'web', 'dist', 'index.html'))) {
  console.log('Building the web dashboard…');
  await buildDashboard();
}
const dataDir = path.resolve(import.meta.dirname, '..', '.data');
const secrets = await loadLocalSecrets(dataDir);

let adminUrl = process.env.DATABASE_URL;
let stopEmbedded: (() => Promise<void>) | undefined;
if (!adminUrl) {
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  console.log(`Starting embedded PostgreSQL on 127.0.0.1:${port} (data in .data/postgres)…`);
  const cluster = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'postgres'),
    port,
    password: secrets.adminPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
  });
  stopEmbedded = cluster.stop;
  await bootstrapDatabase(cluster.adminUrl);
  await createDatabaseIfMissing(cluster.adminUrl, 'devctx');
  adminUrl = urlForDatabase(cluster.adminUrl, 'devctx');
}

await bootstrapDatabase(adminUrl, { owner: secrets.ownerPassword, app: secrets.appPassword });
const applied = await migrateDatabase(adminUrl);
console.log(
  applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database is up to date.',
);

process.env.DATABASE_URL = urlForRole(adminUrl, APP_ROLE, secrets.appPassword);
process.env.ENCRYPTION_KEY ??= secrets.encryptionKey;
const running = await runServer({
  name: 'api',
  routes: allRoutes,
  jobs: allJobs,
  afterShutdown: stopEmbedded,
});
console.log(
  `Dev Context: dashboard http://localhost:${running.port}/ · API reference /docs  (Ctrl-C stops it)`,
);

async function createDatabaseIfMissing(url: string, name: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) await client.query(`create database ${name} owner devctx_owner`);
  } finally {
    await client.end();
  }
}
