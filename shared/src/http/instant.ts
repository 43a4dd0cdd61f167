/**
 * An instant as the API takes and gives it: RFC 3339 (a `T` or, as PostgreSQL prints it,
 * a space; `Z` or an offset up to ±15:59), years 0001 to 9999, a date that exists. A value
 * that passes is one PostgreSQL's timestamptz accepts, so no instant a client sends can
 * fail a statement.
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-](\d{2})(?::?(\d{2}))?)$/i;

export function isInstant(text: string): boolean {
  const m = INSTANT.exec(text);
  if (!m) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0] = m
    .slice(1, 7)
    .map(Number);
  const offsetHours = Number(m[8] ?? 0);
  const offsetMinutes = Number(m[9] ?? 0);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (hour > 23 || minute > 59 || second > 59) return false;
  if (offsetHours > 15 || offsetMinutes > 59) return false;
  // The day exists in that month (Feb 29 only in leap years).
  const last = new Date(Date.UTC(2000, month, 0)).getUTCDate();
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 ? (leap ? 29 : 28) : last);
}
