import { describe, expect, it } from 'vitest';
import { AuthCache } from '../src/auth/auth-cache.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('the authentication cache', () => {
  it('keeps an entry for its seconds, and never past the credential’s own expiry', () => {
    let now = 1_000_000;
    const cache = new AuthCache<string>(5, () => now);
    cache.set('k', A, 'actor', cache.stamp(A));
    cache.set('short', A, 'actor', cache.stamp(A), now + 1000);
    now += 1500;
    expect(cache.get('k')).toBe('actor');
    expect(cache.get('short')).toBeUndefined();
    now += 4000;
    expect(cache.get('k')).toBeUndefined();
  });

  it('counts an entry’s seconds from before its check, not from when it was stored', () => {
    let now = 1_000_000;
    const cache = new AuthCache<string>(5, () => now);
    const stamp = cache.stamp(A);
    now += 3000; // a slow statement
    cache.set('k', A, 'actor', stamp);
    now += 2500;
    expect(cache.get('k')).toBeUndefined();
  });

  it('does not keep a check that raced a change to its tenant', () => {
    const cache = new AuthCache<string>(5);
    const before = cache.stamp(A);
    cache.dropTenant(A); // the revoking request finished while the check ran
    cache.set('k', A, 'stale', before);
    expect(cache.get('k')).toBeUndefined();
    const other = cache.stamp(B);
    cache.dropTenant(A);
    cache.set('b', B, 'fine', other); // another tenant's change is no reason
    expect(cache.get('b')).toBe('fine');
    const beforeClear = cache.stamp(B);
    cache.clear();
    cache.set('b2', B, 'stale', beforeClear);
    expect(cache.get('b2')).toBeUndefined();
  });

  it('drops one tenant’s entries and keeps the others’', () => {
    const cache = new AuthCache<string>(5);
    cache.set('a', A, 'a', cache.stamp(A));
    cache.set('b', B, 'b', cache.stamp(B));
    cache.dropTenant(A);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe('b');
  });

  it('keeps nothing with AUTH_CACHE_SECONDS=0', () => {
    const cache = new AuthCache<string>(0);
    cache.set('a', A, 'a', cache.stamp(A));
    expect(cache.enabled).toBe(false);
    expect(cache.get('a')).toBeUndefined();
  });
});
