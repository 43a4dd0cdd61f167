import type { IncomingHttpHeaders } from 'node:http';
import type { RequestContext } from '@devctx/shared';

/**
 * Browsers keep the refresh token where page scripts cannot read it: a request that sends
 * this header gets the token as an HttpOnly cookie instead of in the JSON body, and
 * refreshes with the cookie. The header is also the CSRF guard: a cross-site page cannot
 * add it without a CORS preflight, which the API refuses to sites not on CORS_ORIGINS,
 * and the cookie is SameSite=Strict besides.
 */
const REFRESH_COOKIE_HEADER = 'devctx-refresh-cookie';

const wantsRefreshCookie = (headers: IncomingHttpHeaders) => headers[REFRESH_COOKIE_HEADER] === '1';

// One cookie per tenant: a browser may be signed in to several. Sent only to /v1/auth
// (refresh and logout), never with other API calls.
const cookieName = (tenantId: string) => `devctx_rt_${tenantId.replaceAll('-', '')}`;
const PATH = '/v1/auth';

function attributes(ctx: RequestContext, headers: IncomingHttpHeaders, maxAge: number) {
  // Secure always in production, whatever a header claims (it is HTTPS behind the load
  // balancer). Elsewhere only over HTTPS: plain http on a laptop would drop the cookie.
  const https = ctx.config.NODE_ENV === 'production' || headers['x-forwarded-proto'] === 'https';
  return `Path=${PATH}; Max-Age=${maxAge}; HttpOnly; SameSite=Strict${https ? '; Secure' : ''}`;
}

/** The Set-Cookie header that hands a browser its new refresh token. */
function refreshCookie(
  ctx: RequestContext,
  headers: IncomingHttpHeaders,
  tenantId: string,
  token: string,
): string {
  return `${cookieName(tenantId)}=${token}; ${attributes(ctx, headers, ctx.config.REFRESH_TOKEN_TTL_SECONDS)}`;
}

/** The Set-Cookie header that removes the tenant's refresh cookie. */
export const clearedRefreshCookie = (
  ctx: RequestContext,
  headers: IncomingHttpHeaders,
  tenantId: string,
) => `${cookieName(tenantId)}=; ${attributes(ctx, headers, 0)}`;

/**
 * The tenant's refresh token from the request's cookies, if there is one and the request
 * carries the header (without it, the cookie is ignored: the CSRF guard).
 */
export function refreshTokenFromCookie(
  headers: IncomingHttpHeaders,
  tenantId: string,
): string | undefined {
  if (!wantsRefreshCookie(headers)) return undefined;
  const name = cookieName(tenantId);
  for (const pair of (headers.cookie ?? '').split(';')) {
    const [key, ...value] = pair.trim().split('=');
    if (key === name) return value.join('=') || undefined;
  }
  return undefined;
}

/**
 * A sign-in or refresh answer as the caller asked for it: the refresh token in the body,
 * or (with the header) in a cookie and not in the body.
 */
export function deliverTokens<T extends { refreshToken?: string | undefined }>(
  ctx: RequestContext,
  headers: IncomingHttpHeaders,
  tenantId: string,
  body: T,
): { body: T; headers?: Record<string, string> } {
  if (!wantsRefreshCookie(headers) || !body.refreshToken) return { body };
  const { refreshToken, ...rest } = body;
  return {
    body: rest as T,
    headers: { 'set-cookie': refreshCookie(ctx, headers, tenantId, refreshToken) },
  };
}
