import { createHash } from 'node:crypto';

/** A strong ETag over the exact bytes of a representation. */
export function etagOf(payload: string | Buffer): string {
  return `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether an If-None-Match (weak comparison) or If-Match (strong comparison: a W/ tag never
 * matches) header lists this ETag, or `*`.
 */
export function matchesEtag(
  header: string | undefined,
  etag: string,
  comparison: 'weak' | 'strong',
): boolean {
  if (!header) return false;
  return header
    .split(',')
    .map((t) => t.trim())
    .some((t) => t === '*' || t === etag || (comparison === 'weak' && t === `W/${etag}`));
}
