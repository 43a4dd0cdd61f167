import type { IncomingMessage } from 'node:http';

/**
 * The caller's address. Behind N trusted proxies (Cloud Run's front end is one) the client
 * is the N-th address from the right of X-Forwarded-For; anything further left was written
 * by the client itself and is not trusted.
 */
export function clientIp(req: IncomingMessage, trustedHops: number): string {
  const direct = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return direct;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  return forwarded[forwarded.length - trustedHops] ?? direct;
}
