import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { isInstant } from './instant.ts';

/** `?limit=` and `?cursor=` as every list takes them (API.md, "Lists"). */
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).describe('Items per page (max 200).'),
  cursor: z.string().max(512).optional().describe('The nextCursor of the previous page.'),
});

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Keyset position: the sort value and id of the last item seen. Opaque to clients. */
export interface Cursor {
  after: string;
  id: string;
}

/**
 * What a list's cursor holds: its sort value (text, a whole number, an instant) and the
 * key of the last item (a UUID, or a commit's SHA). Each list parses its cursors with its
 * own shape, so a forged cursor is a 400 here, never a statement that fails.
 */
export interface CursorShape {
  after: 'text' | 'integer' | 'number' | 'instant' | 'date';
  id?: 'uuid' | 'sha';
}

const UUID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;
const SHA = /^[\da-f]{7,64}$/i;
const INTEGER = /^-?\d{1,18}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const fits: Record<CursorShape['after'], (value: string) => boolean> = {
  text: (v) => v.length <= 1000,
  integer: (v) => INTEGER.test(v),
  number: (v) => v.length <= 40 && Number.isFinite(Number(v)),
  instant: isInstant,
  date: (v) => DATE.test(v) && isInstant(`${v}T00:00:00Z`),
};

export function decodeCursor(cursor: string | undefined, shape: CursorShape): Cursor | undefined {
  if (!cursor) return undefined;
  let value: { after?: unknown; id?: unknown };
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const { after, id } = value ?? {};
  if (typeof after !== 'string' || typeof id !== 'string') throw invalidCursor();
  const kind = shape.id ?? 'uuid';
  const idFits = kind === 'uuid' ? UUID.test(id) : SHA.test(id);
  if (!idFits || !fits[shape.after](after)) throw invalidCursor();
  return { after, id };
}

/** The answer to a cursor this API did not issue. */
export const invalidCursor = () =>
  new AppError('validation_failed', 'The cursor is not one this API issued.', {
    fieldErrors: [{ path: 'query.cursor', message: 'invalid cursor' }],
  });

/**
 * Builds a page from `limit + 1` fetched rows: the extra row only says there is more.
 * `position` gives the keyset of a row (its sort value and id); `view` shapes each item.
 */
export function toPage<T, V>(
  rows: T[],
  limit: number,
  position: (row: T) => Cursor,
  view: (row: T) => V,
): Page<V> {
  const kept = rows.slice(0, limit);
  const last = kept.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify(position(last))).toString('base64url')
      : null;
  return { items: kept.map(view), nextCursor };
}

/**
 * Newest first on a keyset: orders by (time, key) descending and continues after the
 * cursor's position. Each row also carries `position_at`, its time as PostgreSQL prints
 * it — microseconds, which a JavaScript Date would round away — for `newestFirstPosition`.
 */
export function newestFirst<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  columns: { time: string; key: string },
  cursor: Cursor | undefined,
  limit: number,
) {
  const time = sql.ref(columns.time);
  const key = sql.ref(columns.key);
  const after = cursor
    ? query.where(sql<boolean>`(${time}, ${key}) < (${cursor.after}::timestamptz, ${cursor.id})`)
    : query;
  return after
    .select(sql<string>`${time}::text`.as('position_at'))
    .orderBy(sql`${time} desc`)
    .orderBy(sql`${key} desc`)
    .limit(limit + 1);
}

/** The cursor position of a row listed by `newestFirst`. */
export const newestFirstPosition = (row: { position_at: string }, key: string): Cursor => ({
  after: row.position_at,
  id: key,
});
