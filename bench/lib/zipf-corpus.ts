// A corpus of message texts with a realistic word distribution: tokens drawn from
// bench/corpus/vocabulary.txt (this repository's own prose words, code identifiers, file
// paths, and some German and Japanese words, most frequent first) with Zipf's law —
// rank k drawn with probability about 1/k — 12 to 40 tokens a text, plus a rare word and
// a phrase sown in at known rates. Written straight into PostgreSQL as a superuser, with
// the text indexes built once afterwards (as a restore would), then analysed.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export const RARE_WORD = 'quuxwidget'; // in one text of 33,333
export const PHRASE = 'rolls back the transaction'; // in one text of 200

export async function vocabulary(): Promise<string[]> {
  const file = path.join(import.meta.dirname, '..', 'corpus', 'vocabulary.txt');
  return (await readFile(file, 'utf8')).split('\n').filter(Boolean);
}

/** `total` messages (each its own text) in one session of the tenant, in 20 conversations. */
export async function loadZipfCorpus(adminUrl: string, tenantId: string, total: number) {
  const words = await vocabulary();
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`set maintenance_work_mem = '1GB'`);
    await client.query("update tenants set tier = 'enterprise' where id = $1", [tenantId]);
    const session = await client.query<{ id: string }>(
      `insert into ai_sessions (tenant_id, tool, title) values ($1, 'bench', 'Search corpus') returning id`,
      [tenantId],
    );
    const sessionId = session.rows[0]?.id;
    await client.query(
      `insert into conversations (tenant_id, session_id) select $1, $2 from generate_series(1, 20)`,
      [tenantId, sessionId],
    );
    // The text indexes are built once at the end: maintaining them row by row is the
    // ingest scenario's subject, not this one's.
    const indexes = (
      await client.query<{ name: string; def: string }>(
        `select indexname as name, indexdef as def from pg_indexes
          where tablename = 'message_bodies' and indexname <> 'message_bodies_pkey'`,
      )
    ).rows;
    for (const index of indexes) await client.query(`drop index ${index.name}`);
    // Batches of 100,000 in their own transactions; text g is g seconds younger than text 1.
    const batch = 100_000;
    for (let from = 1; from <= total; from += batch) {
      const to = Math.min(total, from + batch - 1);
      await client.query('begin');
      await client.query(
        `create temporary table corpus on commit drop as
           select g, now() - make_interval(secs => $6::int - g) as at,
                  format('%s%s%s (note %s)',
                    (select string_agg(v.w[least(cardinality(v.w), floor(power(cardinality(v.w), random()))::int)], ' ' order by i)
                       from generate_series(1, 12 + (g::bigint * 7919) % 29) i),
                    case when g % 33333 = 7 then ' ' || $4 else '' end,
                    case when g % 200 = 3 then ' ' || $5 else '' end, g) as content
             from generate_series($2::int, $3::int) g, (select $1::text[] as w) v`,
        [words, from, to, RARE_WORD, PHRASE, total],
      );
      await client.query(
        `insert into message_bodies (tenant_id, hash, content, byte_size, created_at)
         select $1, sha256(convert_to(content, 'UTF8')), content, octet_length(content), at from corpus`,
        [tenantId],
      );
      await client.query(
        `with c as (select id, row_number() over (order by id) - 1 as n
                      from conversations where tenant_id = $1)
         insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash,
                               occurred_at)
         select $1, c.id, $2, corpus.g / 20, case when corpus.g % 2 = 0 then 'user' else 'assistant' end,
                sha256(convert_to(corpus.content, 'UTF8')), corpus.at
           from corpus join c on c.n = corpus.g % 20`,
        [tenantId, sessionId],
      );
      await client.query('commit');
    }
    for (const index of indexes) await client.query(index.def);
    await client.query('vacuum analyze message_bodies');
    await client.query('vacuum analyze messages');
    return { sessionId: sessionId as string };
  } finally {
    await client.end();
  }
}
