import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import './test-database.ts'; // declares the values provided to tests
import {
  bootstrapDatabase,
  MIGRATIONS_DIR,
  migrateDatabase,
  urlForDatabase,
} from '../../src/index.ts';

/**
 * Once per test run: make sure the roles exist and a template database holds the current
 * migrations. Each test file then clones the template (fast) into a database of its own.
 * The template's name carries a hash of the migrations, so an edit builds a new one.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) {
    throw new Error('No database for tests: run `npm test` (it starts one) or set DATABASE_URL.');
  }
  await bootstrapDatabase(adminUrl);
  const template = `devctx_tpl_${await migrationsHash()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`select pg_advisory_lock(hashtext('devctx:test-template'))`);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (!exists.rowCount) {
      const building = `${template}_${process.pid}`;
      await admin.query(`drop database if exists ${building}`);
      await admin.query(`create database ${building} owner devctx_owner`);
      const url = urlForDatabase(adminUrl, building);
      await bootstrapDatabase(url);
      await migrateDatabase(url);
      await admin.query(`alter database ${building} rename to ${template}`);
    }
  } finally {
    await admin.end();
  }
  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);
}

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(MIGRATIONS_DIR)).sort();
  for (const file of files)
    hash.update(file).update(await readFile(path.join(MIGRATIONS_DIR, file)));
  hash.update(await readFile(path.join(MIGRATIONS_DIR, '..', 'bootstrap.sql')));
  return hash.digest('hex').slice(0, 16);
}
