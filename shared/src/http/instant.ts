import { z } from 'zod';

/**
 * An instant as the API takes and gives it: RFC 3339 (a `T` or, as PostgreSQL prints it,
 * a space; `Z` or an offset up to ±15:59), a date that exists, and — once moved to UTC —
 * years 0001 to 9999. A value that passes is one PostgreSQL's timestamptz accepts, so no
 * instant a client sends can fail a statement.
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/i;
const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/** The instant `text` names, at millisecond precision (truncated), or undefined. */
export function parseInstant(text: string): Date | undefined {
  const m = INSTANT.exec(text);
  if (!m) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map(Number);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetHours = Number(m[10] ?? 0);
  const offsetMinutes = Number(m[11] ?? 0);
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (offsetHours > 15 || offsetMinutes > 59) return undefined;
  // The day exists in that month (Feb 29 only in leap years).
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const last = month === 2 ? (leap ? 29 : 28) : new Date(Date.UTC(2000, month, 0)).getUTCDate();
  if (day > last) return undefined;
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offset = (m[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const utc = date.getTime() - offset * 60_000;
  return utc >= FIRST && utc <= LAST ? new Date(utc) : undefined;
}

/** RFC 3339's own offsets: `Z` or `±HH:MM` (PostgreSQL's `+00` and ISO's `+0100` are read internally, not taken from clients). */
const RFC3339_OFFSET = /(?:z|[+-]\d\d:\d\d)$/i;

export function isInstant(text: string): boolean {
  return parseInstant(text) !== undefined;
}

/**
 * Every instant the API takes (bodies and queries): RFC 3339 with any valid offset, years
 * 0001 to 9999 in UTC, and normalised to the one form the API stores and echoes —
 * UTC, milliseconds (`2026-11-30T09:00:00.123Z`).
 */
export const instantSchema = () =>
  z
    .string()
    .max(64)
    .refine((text) => RFC3339_OFFSET.test(text) && isInstant(text), {
      abort: true,
      message:
        'an RFC 3339 instant such as 2026-11-30T09:00:00Z or 2026-11-30T10:00:00+01:00 (years 0001 to 9999)',
    })
    .overwrite((text) => parseInstant(text)?.toISOString() ?? text)
    .meta({ format: 'date-time' });
