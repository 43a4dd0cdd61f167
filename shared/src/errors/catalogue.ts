/**
 * The closed catalogue of error codes. Every error a client can see has one of these codes;
 * the HTTP status and title come from here and nowhere else.
 */
export const errorCatalogue = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_json: { status: 400, title: 'The request body is not valid JSON' },
  unauthenticated: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'You do not have permission for this' },
  quota_exceeded: { status: 403, title: 'A limit of your tier is reached' },
  tenant_deleting: {
    status: 403,
    title: 'The tenant is scheduled for deletion: it is read-only until an owner restores it',
  },
  email_unverified: {
    status: 403,
    title: 'Verify your e-mail address first: this tenant lets only verified members write',
  },
  not_found: { status: 404, title: 'Not found' },
  route_not_found: { status: 404, title: 'No such endpoint' },
  method_not_allowed: { status: 405, title: 'Method not allowed on this endpoint' },
  not_acceptable: { status: 406, title: 'No answer in a format the Accept header allows' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  gone: { status: 410, title: 'No longer available' },
  idempotency_key_in_use: {
    status: 409,
    title: 'A request with this Idempotency-Key is still in progress',
  },
  precondition_failed: { status: 412, title: 'The resource has changed' },
  payload_too_large: { status: 413, title: 'The request body is too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported content type' },
  headers_too_large: { status: 431, title: 'The request line or headers are too large' },
  idempotency_key_reused: {
    status: 422,
    title: 'This Idempotency-Key was used for a different request',
  },
  rate_limited: { status: 429, title: 'Too many requests' },
  internal_error: { status: 500, title: 'Internal error' },
  service_unavailable: { status: 503, title: 'Service temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** Where a client reads about a code; stable, so clients may key on it. */
export function errorTypeUri(code: ErrorCode): string {
  return `https://devcontext.dev/problems/${code.replaceAll('_', '-')}`;
}
