import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '../errors/app-error.ts';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** The reference page loads only its own scripts and styles. */
export const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/** Headers every response carries; a route may override cache-control or the CSP. */
export function setSecurityHeaders(res: ServerResponse, production: boolean) {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('content-security-policy', API_CSP);
  res.setHeader('cache-control', 'no-store');
  if (production) res.setHeader('strict-transport-security', 'max-age=63072000; includeSubDomains');
}

const ALLOWED_METHODS = 'GET, POST, PUT, PATCH, DELETE';
// devctx-refresh-cookie: how a browser asks for its refresh token as a cookie.
const ALLOWED_HEADERS =
  'authorization, content-type, devctx-refresh-cookie, idempotency-key, if-match, if-none-match, x-request-id';
const EXPOSED_HEADERS =
  'etag, location, retry-after, ratelimit, ratelimit-policy, x-request-id, idempotent-replayed';

/**
 * CORS for an allowlist of exact origins (none by default). Returns true when the request
 * was a preflight and has been answered. A preflight from an origin not on the list is a
 * 403; an ordinary request from one simply gets no CORS headers, so the browser withholds
 * the response.
 */
export function applyCors(
  req: IncomingMessage,
  res: ServerResponse,
  allowed: readonly string[],
): boolean {
  const origin = req.headers.origin;
  const preflight =
    req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  res.setHeader('vary', 'Origin');
  const permitted = typeof origin === 'string' && allowed.includes(origin);
  if (permitted) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
    // The refresh cookie travels only with credentialed requests, and only to the exact
    // origins listed (never to *).
    res.setHeader('access-control-allow-credentials', 'true');
  }
  if (!preflight) return false;
  if (!permitted)
    throw new AppError('forbidden', 'This origin is not allowed to call the API from a browser.');
  res.statusCode = 204;
  res.setHeader('access-control-allow-methods', ALLOWED_METHODS);
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
  res.setHeader('access-control-max-age', '600');
  res.end();
  return true;
}
