import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { type Config, type Db, storageFor } from '@devctx/shared';
import { sql } from 'kysely';
import { countRows, TableDigest, tableRows } from './rows.ts';
import { ARCHIVE_FORMAT, ARCHIVE_VERSION, ARCHIVED_TABLES } from './tables.ts';

export interface WrittenArchive {
  bytes: number;
  counts: Record<string, number>;
  digests: Record<string, string>;
}

export const archiveKey = (exportId: string) => `exports/${exportId}.ndjson.gz`;

/**
 * Writes the tenant's archive to storage: gzip'd lines — a header, then one line per row
 * (`<table>\t<row as JSON>`, in ARCHIVED_TABLES order), then a trailer with each table's
 * row count and digest. Everything is read in one repeatable-read snapshot, so the archive
 * is the tenant as it was at one moment (no message without its conversation); a table
 * written as a tree is checked to hold every row.
 */
export async function writeArchive(
  db: Db,
  config: Config,
  tenant: { id: string; slug: string; name: string },
  exportId: string,
): Promise<WrittenArchive> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      await sql`select set_config('app.tenant_id', ${tenant.id}, true)`.execute(trx);
      const counts: Record<string, number> = {};
      const digests: Record<string, string> = {};
      async function* lines() {
        yield `${JSON.stringify({
          format: ARCHIVE_FORMAT,
          version: ARCHIVE_VERSION,
          tenant: { slug: tenant.slug, name: tenant.name },
          exportedAt: new Date().toISOString(),
          tables: ARCHIVED_TABLES.map((t) => t.name),
        })}\n`;
        for (const table of ARCHIVED_TABLES) {
          const digest = new TableDigest();
          // Lines go on in chunks of about 64 KB: a stream chunk per row costs more than the row.
          let chunk = '';
          for await (const row of tableRows(trx, tenant.id, table)) {
            digest.add(row);
            chunk += `${table.name}\t${row}\n`;
            if (chunk.length >= 65_536) {
              yield chunk;
              chunk = '';
            }
          }
          if (chunk) yield chunk;
          // A tree walk stops at a depth: every row it should have reached is checked for.
          if (table.parentsFirst) {
            const expected = await countRows(trx, tenant.id, table.name);
            if (digest.rows !== expected)
              throw new Error(`${table.name}: ${digest.rows} rows written of ${expected}`);
          }
          counts[table.name] = digest.rows;
          digests[table.name] = digest.hex;
        }
        yield `${JSON.stringify({ end: true, counts, digests })}\n`;
      }
      let bytes = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      });
      // One pipeline: a failure anywhere (a read, the count check) fails the upload too.
      const gzipped = new PassThrough();
      await Promise.all([
        pipeline(Readable.from(lines()), createGzip(), counter, gzipped),
        storageFor(config).putStream(tenant.id, archiveKey(exportId), gzipped, 'application/gzip'),
      ]);
      return { bytes, counts, digests };
    });
}
