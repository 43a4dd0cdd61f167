import { AppError } from '../errors/app-error.ts';

/** SQLSTATE classes and driver messages that mean "the database is not there right now". */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
  '08001',
  '53300',
]);
// Text PostgreSQL cannot hold (NUL, an unpaired \u escape): the client's input, not a bug.
const UNSTORABLE_TEXT_SQLSTATES = new Set(['22021', '22P05']);
// A value that is not valid for its column's type or range: every value the server's own
// code passes is typed, so one of these comes from a client (a forged cursor, a date out
// of range, a value its table's CHECK refuses) that validation let through. Answered 400,
// and worth a stricter schema.
const INVALID_VALUE_SQLSTATES = new Set(['22P02', '22007', '22008', '22003', '22001', '23514']);
// The statement ran out of its time, or lost to another transaction: retry later.
const RETRY_LATER_SQLSTATES = new Set(['57014', '40P01', '40001', '55P03']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection ended unexpectedly',
];

/**
 * Turns driver errors a client should see differently from a bug into AppErrors: a lost or
 * refused database is a 503 worth retrying, not a 500.
 */
export function translateDatabaseError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const code = (error as { code?: unknown }).code;
  const unavailable =
    (typeof code === 'string' &&
      (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code))) ||
    UNAVAILABLE_MESSAGES.some((m) => error.message.includes(m));
  if (code === 'DC001') {
    const [resource, limit] = error.message.split(':');
    return new AppError(
      'quota_exceeded',
      `Your tier allows ${limit} ${resource?.replace('_', ' ')}; this would exceed it.`,
      {
        headers: { 'x-quota-limit': `${resource}` },
      },
    );
  }
  if (typeof code === 'string' && UNSTORABLE_TEXT_SQLSTATES.has(code)) {
    return new AppError(
      'validation_failed',
      'The text contains characters that cannot be stored (such as NUL).',
    );
  }
  if (typeof code === 'string' && INVALID_VALUE_SQLSTATES.has(code)) {
    return new AppError('validation_failed', 'A value in the request is not valid for its field.');
  }
  if (code === '23505') {
    return new AppError('conflict', 'Something with the same unique value already exists.');
  }
  if (code === '23503') {
    // A row this write names was deleted meanwhile (or never was this tenant's).
    return new AppError('not_found', 'Something this request refers to does not exist (any more).');
  }
  if (typeof code === 'string' && RETRY_LATER_SQLSTATES.has(code)) {
    return new AppError('service_unavailable', 'The server is busy with this; retry shortly.', {
      headers: { 'retry-after': '1' },
    });
  }
  if (unavailable) {
    return new AppError('service_unavailable', 'The database is unavailable; retry shortly.', {
      headers: { 'retry-after': '2' },
    });
  }
  return error;
}
