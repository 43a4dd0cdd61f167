import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { Config } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const GOOGLE_CERTS = new URL('https://www.googleapis.com/oauth2/v3/certs');

const refused = () =>
  new AppError(
    'unauthenticated',
    'Internal endpoint: only Cloud Tasks and Cloud Scheduler may call it.',
    {
      headers: { 'www-authenticate': 'Bearer' },
    },
  );

export type InternalCallerCheck = (headers: IncomingHttpHeaders) => Promise<void>;

/**
 * Who may call the worker and the scheduler. In production: a Google-signed OIDC token
 * (RS256, Google's issuer, our audience, one of the allowed service accounts, verified
 * email) as Cloud Tasks and Cloud Scheduler attach. Locally: a shared secret, compared in
 * constant time. `keys` lets tests verify tokens against their own key set.
 */
export function internalCallerCheck(config: Config, keys?: JWTVerifyGetKey): InternalCallerCheck {
  if (config.INTERNAL_AUTH === 'oidc') {
    const getKey = keys ?? createRemoteJWKSet(GOOGLE_CERTS);
    const allowed = new Set(config.INTERNAL_OIDC_SERVICE_ACCOUNTS);
    return async (headers) => {
      const token = bearer(headers);
      try {
        const { payload } = await jwtVerify(token, getKey, {
          algorithms: ['RS256'],
          issuer: GOOGLE_ISSUERS,
          audience: config.INTERNAL_OIDC_AUDIENCE as string,
        });
        if (
          payload.email_verified !== true ||
          typeof payload.email !== 'string' ||
          !allowed.has(payload.email)
        ) {
          throw refused();
        }
      } catch {
        throw refused();
      }
    };
  }
  const secret = config.INTERNAL_SHARED_SECRET;
  return async (headers) => {
    const given = Buffer.from(bearer(headers));
    const expected = Buffer.from(secret ?? '');
    if (!secret || given.length !== expected.length || !timingSafeEqual(given, expected))
      throw refused();
  };
}

function bearer(headers: IncomingHttpHeaders): string {
  const match = /^Bearer (\S+)$/i.exec(headers.authorization ?? '');
  if (!match?.[1]) throw refused();
  return match[1];
}
