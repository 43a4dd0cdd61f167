import { createHash } from 'node:crypto';

/**
 * A tenant's address as rate limits key it: its digest, never the address itself, so no
 * counter (kept up to a day) holds a person's address after they are erased.
 */
export const addressKey = (tenant: string, email: string) =>
  `${tenant}:${createHash('sha256').update(email).digest('hex')}`;
