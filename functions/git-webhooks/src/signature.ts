import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GitHub's X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the raw body under the
 * webhook secret. True when it matches any of `secrets` (the current one, and the previous
 * one during a rotation's grace period). Compared in constant time.
 */
export function signatureMatches(
  header: string | undefined,
  body: Buffer,
  secrets: string[],
): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  if (given.length !== 32) return false;
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    // Every secret is checked, so timing does not tell which one (if any) matched.
    matched = timingSafeEqual(given, expected) || matched;
  }
  return matched;
}
