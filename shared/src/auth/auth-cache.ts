import { createHash } from 'node:crypto';

/** Most authentications one instance keeps; the oldest goes first. */
const MAX_ENTRIES = 10_000;

/** What the cache knew when a check began: see AuthCache.stamp. */
export interface Stamp {
  epochs: string;
  at: number;
}

interface Entry<T> {
  tenantId: string;
  value: T;
  expiresAt: number;
}

/**
 * Authentications this instance checked in the last AUTH_CACHE_SECONDS, by a digest of the
 * credential (the credential itself is not kept): a request with the same bearer token or
 * API key within that time is authenticated without a statement or a signature check.
 * A change to what authentication reads drops the tenant's entries at once on the instance
 * that made it (after the request) and, where the process LISTENs (auth-changes.ts), on
 * every other; elsewhere an entry lives out its seconds.
 */
export class AuthCache<T> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry<T>>();
  readonly #byTenant = new Map<string, Set<string>>();
  /** Bumped by every clear, and per tenant by every drop: see stamp(). */
  #epoch = 0;
  readonly #tenantEpochs = new Map<string, number>();

  constructor(ttlSeconds: number, now: () => number = Date.now) {
    this.#ttlMs = ttlSeconds * 1000;
    this.#now = now;
  }

  get enabled() {
    return this.#ttlMs > 0;
  }

  static keyOf(credential: string): string {
    return createHash('sha256').update(credential).digest('base64');
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#now()) return entry.value;
    this.#delete(key, entry.tenantId);
    return undefined;
  }

  /**
   * Taken before a credential is checked and handed back to set(): a check that raced a
   * change (the statement read the key before the revocation committed; the revoking
   * request dropped the tenant's entries while it ran) is then not kept.
   */
  stamp(tenantId: string): Stamp {
    return { epochs: this.#epochsOf(tenantId), at: this.#now() };
  }

  #epochsOf(tenantId: string): string {
    return `${this.#epoch}:${this.#tenantEpochs.get(tenantId) ?? 0}`;
  }

  /**
   * Keeps `value` for the TTL counted from its stamp (before the check read what it read),
   * and never past `notAfter` (a token's own expiry, in ms).
   */
  set(key: string, tenantId: string, value: T, stamp: Stamp, notAfter = Number.POSITIVE_INFINITY) {
    if (!this.enabled || stamp.epochs !== this.#epochsOf(tenantId)) return;
    if (this.#entries.size >= MAX_ENTRIES && !this.#entries.has(key)) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Entry<T>];
      this.#delete(oldest, entry.tenantId);
    }
    this.#entries.delete(key); // re-inserted last: the map's order is the eviction order
    this.#entries.set(key, {
      tenantId,
      value,
      expiresAt: Math.min(stamp.at + this.#ttlMs, notAfter),
    });
    const keys = this.#byTenant.get(tenantId) ?? new Set<string>();
    this.#byTenant.set(tenantId, keys.add(key));
  }

  dropTenant(tenantId: string) {
    for (const key of this.#byTenant.get(tenantId) ?? []) this.#entries.delete(key);
    this.#byTenant.delete(tenantId);
    this.#tenantEpochs.set(tenantId, (this.#tenantEpochs.get(tenantId) ?? 0) + 1);
  }

  clear() {
    this.#entries.clear();
    this.#byTenant.clear();
    this.#tenantEpochs.clear();
    this.#epoch++;
  }

  #delete(key: string, tenantId: string) {
    this.#entries.delete(key);
    const keys = this.#byTenant.get(tenantId);
    keys?.delete(key);
    if (keys?.size === 0) this.#byTenant.delete(tenantId);
  }
}
