import { appendFile, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrateDatabase } from '../src/index.ts';
import { adminQuery, createEmptyDatabase, type TestDatabase } from './support/index.ts';

const created: TestDatabase[] = [];
async function emptyDatabase() {
  const database = await createEmptyDatabase();
  created.push(database);
  return database;
}
afterEach(async () => {
  await Promise.all(created.splice(0).map((d) => d.drop()));
});

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'devctx-migrations-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

const tables = (url: string) =>
  adminQuery<{ relname: string; owner: string }>(
    url,
    `select c.relname, pg_get_userbyid(c.relowner) as owner from pg_class c
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' order by 1`,
  );

describe('migrations', () => {
  it('apply from scratch, owned by the owner role, and a second run applies nothing', async () => {
    const db = await emptyDatabase();
    const first = await migrateDatabase(db.adminUrl);
    expect(first).toContain('0001_tenants_and_users.sql');
    const created = await tables(db.adminUrl);
    expect(created.map((t) => t.relname)).toEqual(
      expect.arrayContaining(['migrations', 'tenants', 'users']),
    );
    expect(new Set(created.map((t) => t.owner))).toEqual(new Set(['devctx_owner']));
    expect(await migrateDatabase(db.adminUrl)).toEqual([]);
  });

  it('records each applied file with its hash', async () => {
    const db = await emptyDatabase();
    await migrateDatabase(db.adminUrl);
    const rows = await adminQuery(db.adminUrl, 'select name, hash from migrations order by id');
    expect(rows.map((r) => r.name)).toContain('tenants_and_users');
    for (const row of rows) expect(row.hash).toMatch(/^[\da-f]{40}$/);
  });

  it('refuse to run when an applied file was edited', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrateDatabase(db.adminUrl, { dir });
    await appendFile(path.join(dir, '0001_tenants_and_users.sql'), '\n-- edited after the fact\n');
    await expect(migrateDatabase(db.adminUrl, { dir })).rejects.toThrow(/hash/i);
  });

  it('roll back a failing file completely and record nothing for it', async () => {
    const db = await emptyDatabase();
    const dir = await copyOfMigrations();
    const next = String((await readdir(dir)).length + 1).padStart(4, '0'); // ids run on without gaps
    await writeFile(
      path.join(dir, `${next}_broken.sql`),
      'create table half_done (id int primary key);\nselect 1 / 0;\n',
    );
    await expect(migrateDatabase(db.adminUrl, { dir })).rejects.toThrow(/division by zero/);
    const names = (await tables(db.adminUrl)).map((t) => t.relname);
    expect(names).not.toContain('half_done');
    expect(names).toContain('users');
    const recorded = await adminQuery(
      db.adminUrl,
      `select 1 from migrations where name = 'broken'`,
    );
    expect(recorded).toHaveLength(0);
  });

  it('two concurrent runs apply each file exactly once', async () => {
    const db = await emptyDatabase();
    const [a, b] = await Promise.all([migrateDatabase(db.adminUrl), migrateDatabase(db.adminUrl)]);
    expect([...a, ...b].filter((f) => f === '0001_tenants_and_users.sql')).toHaveLength(1);
    const rows = await adminQuery(
      db.adminUrl,
      `select count(*)::int as n from migrations where name = 'tenants_and_users'`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it("session_terms starts with the counts of the messages already stored, every tenant's", async () => {
    const db = await emptyDatabase();
    // The schema as the release before 0015 left it: that migration and every later one out.
    const before = await copyOfMigrations();
    const later = (await readdir(before)).filter((f) => f >= '0015_session_terms.sql').sort();
    for (const file of later) await rm(path.join(before, file));
    await migrateDatabase(db.adminUrl, { dir: before });
    await adminQuery(
      db.adminUrl,
      `insert into tenants (id, slug, name) values
         ('00000000-0000-4000-8000-00000000000a', 'old-a', 'A'),
         ('00000000-0000-4000-8000-00000000000b', 'old-b', 'B');
       insert into ai_sessions (tenant_id, id, tool)
         select id, id, 'claude-code' from tenants;
       insert into conversations (tenant_id, id, session_id) select id, id, id from tenants;
       insert into message_bodies (tenant_id, hash, content, byte_size)
         select id, sha256('x'), 'x', 1 from tenants;
       insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash,
                             occurred_at, file_references, commands, tags)
         select t.id, t.id, t.id, n, 'user', sha256('x'), '2025-01-01T00:00:00Z'::timestamptz + n * interval '1 day',
                jsonb_build_array(jsonb_build_object('path', 'a.py', 'operation', case n when 0 then 'read' else 'edit' end)),
                array['make'], array[t.slug]
           from tenants t cross join generate_series(0, 2) n;`,
    );
    expect(await migrateDatabase(db.adminUrl)).toEqual(later);
    const rows = await adminQuery(
      db.adminUrl,
      `select t.slug, kind, term, occurrences, operations, last_at
         from session_terms s join tenants t on t.id = s.tenant_id order by 1, 2, 3`,
    );
    const last = new Date('2025-01-03T00:00:00Z');
    expect(rows).toEqual(
      ['old-a', 'old-b'].flatMap((slug) => [
        { slug, kind: 'command', term: 'make', occurrences: 3, operations: [], last_at: last },
        {
          slug,
          kind: 'file',
          term: 'a.py',
          occurrences: 3,
          operations: ['edit', 'read'],
          last_at: last,
        },
        { slug, kind: 'tag', term: slug, occurrences: 3, operations: [], last_at: last },
      ]),
    );
    // FORCE row-level security is back on messages after the one-off backfill.
    const forced = await adminQuery(
      db.adminUrl,
      `select relname, relforcerowsecurity as forced from pg_class
        where relname in ('messages', 'session_terms') order by 1`,
    );
    expect(forced).toEqual([
      { relname: 'messages', forced: true },
      { relname: 'session_terms', forced: true },
    ]);
  });
});
