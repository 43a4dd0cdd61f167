// `npm run tier -- <tenant-slug> <free|pro|enterprise>`: the platform operator moves a
// tenant to another tier (a tenant never can). Connects with DATABASE_URL, or to the
// embedded PostgreSQL of a running `npm start`. Audited as the operator's change.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { changeTier, type Tier } from '@devctx/identity/operator';
import { APP_ROLE, createDatabase, createLogger } from '@devctx/shared';

const [slug, tier] = process.argv.slice(2);
const tiers: Tier[] = ['free', 'pro', 'enterprise'];
if (!slug || !tiers.includes(tier as Tier)) {
  console.error('usage: npm run tier -- <tenant-slug> <free|pro|enterprise>');
  process.exit(64);
}

const url = process.env.DATABASE_URL ?? (await embeddedUrl());
const database = createDatabase({
  url,
  poolMax: 1,
  statementTimeoutMs: 10_000,
  log: createLogger('silent'),
});
try {
  const usage = await changeTier(
    {
      db: database.db,
      requestId: randomUUID(),
      ip: '127.0.0.1',
      userAgent: 'npm run tier',
      actor: undefined,
    },
    slug,
    tier as Tier,
  );
  console.log(`${slug} is on the ${usage.tier} tier now.`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await database.close();
}

/** The runtime role of the embedded PostgreSQL that `npm start` runs. */
async function embeddedUrl(): Promise<string> {
  const file = path.resolve(import.meta.dirname, '..', '.data', 'local-secrets.json');
  if (!existsSync(file)) {
    console.error(
      'No DATABASE_URL and no local database: set DATABASE_URL, or run npm start first.',
    );
    process.exit(64);
  }
  const { appPassword } = JSON.parse(await readFile(file, 'utf8')) as { appPassword: string };
  const port = Number(process.env.EMBEDDED_POSTGRES_PORT ?? 54329);
  return `postgres://${APP_ROLE}:${encodeURIComponent(appPassword)}@127.0.0.1:${port}/devctx`;
}
