import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppError,
  createDatabase,
  createLogger,
  type DatabaseHandle,
  translateDatabaseError,
} from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from './support/index.ts';

// Real PostgreSQL errors, as the runtime role meets them, and what a client is told.
let database: TestDatabase;
let handle: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
  handle = createDatabase({
    url: database.appUrl,
    poolMax: 2,
    statementTimeoutMs: 200,
    log: createLogger('silent'),
  });
});
afterAll(async () => {
  await handle.close();
  await database.drop();
});

const answerTo = async (statement: ReturnType<typeof sql>) => {
  const error = await statement.execute(handle.db).then(
    () => undefined,
    (e: unknown) => e,
  );
  const translated = translateDatabaseError(error);
  expect(translated).toBeInstanceOf(AppError);
  const app = translated as AppError;
  return { code: app.code, headers: app.headers };
};

describe('database errors a client caused, or may retry', () => {
  it('a value that is not valid for its type or range is a 400, not a 500', async () => {
    for (const statement of [
      sql`select ${'not-a-uuid'}::uuid`,
      sql`select ${'2026-02-31 10:00'}::timestamptz`,
      sql`select ${'0000-01-01'}::date`,
      sql`select ${'99999999999'}::integer`,
    ]) {
      expect(await answerTo(statement)).toMatchObject({ code: 'validation_failed' });
    }
  });

  it('a statement over its time is a 503 with Retry-After', async () => {
    expect(await answerTo(sql`select pg_sleep(1)`)).toMatchObject({
      code: 'service_unavailable',
      headers: { 'retry-after': '1' },
    });
  });

  it('a reference to a row that is not there is a 404', async () => {
    const statement = sql`insert into users (tenant_id, id, email, name)
      values (gen_random_uuid(), gen_random_uuid(), 'a@b.c', 'A')`;
    const admin = createDatabase({
      url: database.adminUrl,
      poolMax: 1,
      statementTimeoutMs: 5000,
      log: createLogger('silent'),
    });
    try {
      const error = await statement.execute(admin.db).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toBe('23503');
      expect(translateDatabaseError(error)).toMatchObject({ code: 'not_found' });
    } finally {
      await admin.close();
    }
  });
});
