import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { AppError, PermanentJobError, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { boundedLines } from './lines.ts';
import { TableDigest, tableRows } from './rows.ts';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, ARCHIVED_TABLES, type ArchivedTable } from './tables.ts';

const LIMITS = { maxLine: 16 * 2 ** 20, maxTotal: 2 ** 30 };
const BATCH_ROWS = 500;
const BATCH_BYTES = 4 * 2 ** 20;

/**
 * Refuses to import into a tenant that holds anything but its owner: an archive is a whole
 * tenant, and merging two would mix their ids and people.
 */
export async function assertFreshTenant(trx: Trx, tenantId: string, importerId: string) {
  const { rows } = await sql<{ what: string }>`
    select what from (values
      ('users', exists (select 1 from users where tenant_id = ${tenantId} and id <> ${importerId})),
      ('roles', exists (select 1 from roles where tenant_id = ${tenantId} and system_key is null)),
      ('teams', exists (select 1 from teams where tenant_id = ${tenantId})),
      ('projects', exists (select 1 from projects where tenant_id = ${tenantId})),
      ('repositories', exists (select 1 from repositories where tenant_id = ${tenantId})),
      ('sessions', exists (select 1 from ai_sessions where tenant_id = ${tenantId}))
    ) as held (what, present) where present`.execute(trx);
  if (rows.length)
    throw new AppError(
      'conflict',
      `Import into a new tenant: this one already has ${rows.map((r) => r.what).join(', ')}.`,
    );
}

/**
 * Writes an archive (write-archive.ts) into the caller's transaction's tenant, which must
 * be new: its owner is replaced by the archive's user of the same address (who must be an
 * owner there), who keeps the password they signed up with here; everything else arrives with the
 * ids it had. Each table is then checked against the archive's own counts and digests, so
 * an import is exact or does not happen.
 */
export async function importArchive(
  trx: Trx,
  tenantId: string,
  importerId: string,
  compressed: Readable,
): Promise<Record<string, number>> {
  const gunzip = createGunzip();
  compressed.on('error', (error) => gunzip.destroy(error));
  const lines = boundedLines(compressed.pipe(gunzip), LIMITS);
  try {
    return await importLines(trx, tenantId, importerId, lines);
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('Z_'))
      throw new PermanentJobError('The archive is not a readable gzip file.');
    throw error;
  } finally {
    compressed.destroy();
  }
}

async function importLines(
  trx: Trx,
  tenantId: string,
  importerId: string,
  lines: AsyncGenerator<string>,
) {
  const first = await lines.next();
  const header = parseJson(first.done ? '' : first.value);
  if (header?.format !== ARCHIVE_FORMAT)
    throw new PermanentJobError('This is not a Dev Context tenant archive.');
  if (header.version !== ARCHIVE_VERSION)
    throw new PermanentJobError(`Archives of version ${header.version} cannot be imported here.`);

  await assertFreshTenant(trx, tenantId, importerId);
  const importer = await trx
    .selectFrom('users')
    .select(['email', 'password_hash'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', importerId)
    .executeTakeFirstOrThrow();
  // The new tenant's own roles and owner make way for the archive's.
  await trx.deleteFrom('roles').where('tenant_id', '=', tenantId).execute();
  await trx.deleteFrom('users').where('tenant_id', '=', tenantId).execute();

  let position = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  let current: ArchivedTable | undefined;
  let insert: ((rows: string[]) => Promise<void>) | undefined;
  let archiveOwner: string | undefined;
  let trailer: { counts?: Record<string, number>; digests?: Record<string, string> } | undefined;
  const flush = async () => {
    if (insert && batch.length) await insert(batch);
    batch = [];
    batchBytes = 0;
  };
  for await (const line of lines) {
    if (line.startsWith('{')) {
      trailer = parseJson(line);
      break;
    }
    const tab = line.indexOf('\t');
    const name = line.slice(0, Math.max(tab, 0));
    const at = ARCHIVED_TABLES.findIndex((t) => t.name === name);
    if (at < position)
      throw new PermanentJobError(
        `The archive has rows of ${JSON.stringify(name.slice(0, 60))} out of place.`,
      );
    if (at !== position || !current) {
      await flush();
      position = at;
      current = ARCHIVED_TABLES[at];
      insert =
        current && !current.exportOnly ? await inserterFor(trx, tenantId, current) : undefined;
    }
    if (current?.exportOnly) continue;
    let row = line.slice(tab + 1);
    if (name === 'users' && !archiveOwner) {
      const user = parseJson(row) as { id?: string; email?: string } | undefined;
      if (user?.email === importer.email) {
        archiveOwner = user.id;
        row = JSON.stringify({ ...user, password_hash: importer.password_hash });
      }
    }
    batch.push(row);
    batchBytes += row.length;
    if (batch.length >= BATCH_ROWS || batchBytes >= BATCH_BYTES) await flush();
  }
  await flush();
  if (!trailer?.counts || !trailer.digests)
    throw new PermanentJobError('The archive is cut short: its last line is missing.');
  if (!archiveOwner || !(await isOwner(trx, tenantId, archiveOwner)))
    throw new PermanentJobError(
      `Import as one of the archive's owners: it has no owner with your address (${importer.email}).`,
    );
  return verify(trx, tenantId, trailer as Required<typeof trailer>);
}

/** Each imported table as the archive says it was: the same rows, by count and digest. */
async function verify(
  trx: Trx,
  tenantId: string,
  trailer: { counts: Record<string, number>; digests: Record<string, string> },
) {
  const counts: Record<string, number> = {};
  for (const table of ARCHIVED_TABLES.filter((t) => !t.exportOnly)) {
    const digest = new TableDigest();
    for await (const row of tableRows(trx, tenantId, table)) digest.add(row);
    if (digest.rows !== trailer.counts[table.name] || digest.hex !== trailer.digests[table.name])
      throw new PermanentJobError(
        `The imported ${table.name} do not match the archive's checksum: it is damaged or was edited.`,
      );
    counts[table.name] = digest.rows;
  }
  return counts;
}

/** Writes batches of rows (JSON text, as archived) into a table, for this tenant. */
async function inserterFor(trx: Trx, tenantId: string, table: ArchivedTable) {
  const { rows: columns } = await sql<{ name: string; time: boolean }>`
    select attname as name,
           atttypid in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype) as time
      from pg_attribute
     where attrelid = ${table.name}::regclass and attnum > 0 and not attisdropped
       and attgenerated = '' and attname <> 'tenant_id'
       and not (attname = any(${(table.secret ?? []).filter((c) => !table.takenWhenGiven?.includes(c))}::text[]))
     order by attnum`.execute(trx);
  const names = columns.map((c) => sql.id(c.name));
  const anew = table.madeAnew ?? [];
  // gen_random_uuid draws on the server's strong random source: 2 x 122 bits, hashed.
  const fresh = anew.map(
    () => sql`sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'))`,
  );
  // PostgreSQL takes 'infinity' for a time; the API never gives one out, and a cursor
  // cannot name one, so paging would stop there. A batch holding one inserts nothing.
  const endless = columns.filter((c) => c.time).map((c) => sql`not isfinite(r.${sql.id(c.name)})`);
  return async (rows: string[]) => {
    const records = sql`jsonb_populate_recordset(null::${sql.table(table.name)}, ${`[${rows.join(',')}]`}::jsonb)`;
    const source = endless.length
      ? sql`(with b as materialized (select * from ${records})
             select * from b where not exists (select 1 from b r where ${sql.join(endless, sql` or `)})) r`
      : sql`${records} r`;
    try {
      const { numAffectedRows } = await sql`
        insert into ${sql.table(table.name)} (tenant_id, ${sql.join([...names, ...anew.map((n) => sql.id(n))])})
        select ${tenantId}::uuid, ${sql.join([...columns.map((c) => sql`r.${sql.id(c.name)}`), ...fresh])}
          from ${source}`.execute(trx);
      if (Number(numAffectedRows) !== rows.length)
        throw new PermanentJobError(
          `The archive's ${table.name} hold a time without end ('infinity'), which no real record has.`,
        );
    } catch (error) {
      throw importFailure(error, table.name);
    }
  };
}

/** A refused batch: the server's trouble is retried, the archive's is said. */
function importFailure(error: unknown, table: string) {
  const e = error as { code?: string; message?: string };
  if (!e.code || /^(08|53|57|40)/.test(e.code)) return error; // the server's trouble: retried
  if (e.code === 'DC001') {
    const [what, limit] = (e.message ?? '').split(':');
    return new PermanentJobError(
      `The archive holds more ${what} than this tenant's tier allows (${limit}).`,
    );
  }
  return new PermanentJobError(`The archive's ${table} cannot be imported: ${e.message}`);
}

async function isOwner(trx: Trx, tenantId: string, userId: string) {
  const found = await trx
    .selectFrom('user_roles as ur')
    .innerJoin('roles as r', (j) =>
      j.onRef('r.tenant_id', '=', 'ur.tenant_id').onRef('r.id', '=', 'ur.role_id'),
    )
    .select('r.id')
    .where('ur.tenant_id', '=', tenantId)
    .where('ur.user_id', '=', userId)
    .where('r.system_key', '=', 'owner')
    .executeTakeFirst();
  return found !== undefined;
}

// biome-ignore lint/suspicious/noExplicitAny: the archive's own lines, checked where read.
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
