import { type SelectQueryBuilder, sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';

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

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof value?.after === 'string' && typeof value?.id === 'string') return value;
  } catch {
    // fall through to the error below
  }
  throw invalidCursor();
}

const invalidCursor = () =>
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
  if (cursor && Number.isNaN(Date.parse(cursor.after))) throw invalidCursor();
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
