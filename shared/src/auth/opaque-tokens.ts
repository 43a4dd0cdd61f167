import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens, API keys, invitation, password-reset and address-verification tokens are opaque strings that carry their tenant:
 * `<kind>_<tenant id as 32 hex>_<43 chars of secret>`. The tenant lets the server open the
 * right tenant transaction without any cross-tenant lookup; only a SHA-256 of the whole
 * string is stored, so a database leak reveals no usable token.
 */
export type OpaqueKind = 'rt' | 'dck' | 'inv' | 'pwr' | 'emv';

export interface ParsedOpaqueToken {
  kind: OpaqueKind;
  tenantId: string;
  secret: string;
  hash: Buffer;
}

const FORMAT = /^(rt|dck|inv|pwr|emv)_([\da-f]{32})_([\w-]{43})$/;

export function createOpaqueToken(
  kind: OpaqueKind,
  tenantId: string,
): ParsedOpaqueToken & { token: string } {
  const secret = randomBytes(32).toString('base64url');
  const token = `${kind}_${tenantId.replaceAll('-', '')}_${secret}`;
  return { token, kind, tenantId, secret, hash: hashToken(token) };
}

export function parseOpaqueToken(
  token: string,
  expected: OpaqueKind,
): ParsedOpaqueToken | undefined {
  const match = FORMAT.exec(token);
  if (!match || match[1] !== expected || !match[2] || !match[3]) return undefined;
  const hex = match[2];
  const tenantId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { kind: expected, tenantId, secret: match[3], hash: hashToken(token) };
}

const ANYWHERE = /\b(rt|dck|inv|pwr)_[\da-f]{32}_[\w-]{43}/g;

/** The text with every opaque token in it cut to its kind: for log lines, never a secret. */
export function redactOpaqueTokens(text: string): string {
  return text.replace(ANYWHERE, '$1_[redacted]');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time equality of two stored hashes. */
export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
