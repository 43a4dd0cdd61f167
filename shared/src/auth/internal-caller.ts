import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { Config } from '../config/config.ts';
import { AppError } from '../errors/app-error.ts';

const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
const GOOGLE_CERTS = new URL('https://www.googleapis.com/oauth2/v3/certs');
/**
 * What Cloud Run puts in place of a token's signature once its IAM check has verified it
 * (a service deployed with --no-allow-unauthenticated), before the request reaches us.
 */
export const SIGNATURE_REMOVED = 'SIGNATURE_REMOVED_BY_GOOGLE';
const CLOCK_SKEW_SECONDS = 30;

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
 * Who may call the worker's and the scheduler's internal routes:
 *
 * - `cloud-run-iam` (Cloud Run functions): Cloud Run's IAM has verified the Google-signed
 *   OIDC token before the request got here and forwards it with its signature removed, so
 *   the signature cannot be checked again; its claims still are. A token that still has a
 *   signature is verified as in `oidc`. Only safe behind IAM: the deploy check requires
 *   --no-allow-unauthenticated for every function in this mode.
 * - `oidc` (where nothing checked the token before us, as on GKE): the Google signature
 *   (RS256, Google's keys), issuer, audience and expiry.
 * - `shared-secret` (local): a secret compared in constant time.
 *
 * Every Google mode then requires a verified email among the allowed service accounts.
 * `keys` lets tests verify against their own key set.
 */
export function internalCallerCheck(config: Config, keys?: JWTVerifyGetKey): InternalCallerCheck {
  if (config.INTERNAL_AUTH === 'shared-secret') return sharedSecretCheck(config);
  const getKey = keys ?? createRemoteJWKSet(GOOGLE_CERTS);
  const audience = config.INTERNAL_OIDC_AUDIENCE as string;
  const allowed = new Set(config.INTERNAL_OIDC_SERVICE_ACCOUNTS);
  const verified = async (token: string): Promise<JWTPayload> => {
    if (config.INTERNAL_AUTH === 'cloud-run-iam' && token.endsWith(`.${SIGNATURE_REMOVED}`))
      return checkedByCloudRun(token, audience);
    const { payload } = await jwtVerify(token, getKey, {
      algorithms: ['RS256'],
      issuer: GOOGLE_ISSUERS,
      audience,
      clockTolerance: CLOCK_SKEW_SECONDS,
    });
    return payload;
  };
  return async (headers) => {
    const token = bearer(headers);
    let payload: JWTPayload;
    try {
      payload = await verified(token);
    } catch {
      throw refused();
    }
    if (
      payload.email_verified !== true ||
      typeof payload.email !== 'string' ||
      !allowed.has(payload.email)
    ) {
      throw refused();
    }
  };
}

/** The claims of a token whose signature Cloud Run's IAM verified and then removed. */
function checkedByCloudRun(token: string, audience: string): JWTPayload {
  if (decodeProtectedHeader(token).alg !== 'RS256') throw refused();
  const payload = decodeJwt(token);
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const now = Date.now() / 1000;
  if (
    !GOOGLE_ISSUERS.includes(payload.iss ?? '') ||
    !audiences.includes(audience) ||
    typeof payload.exp !== 'number' ||
    payload.exp + CLOCK_SKEW_SECONDS < now
  ) {
    throw refused();
  }
  return payload;
}

function sharedSecretCheck(config: Config): InternalCallerCheck {
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
