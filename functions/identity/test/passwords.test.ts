import { describe, expect, it } from 'vitest';
import { Passwords } from '../src/auth/passwords.ts';

describe('password hashing', () => {
  it('uses argon2id with at least OWASP parameters and verifies', async () => {
    const passwords = new Passwords(2);
    const hash = await passwords.hash('a long enough passphrase');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await passwords.verify(hash, 'a long enough passphrase')).toBe(true);
    expect(await passwords.verify(hash, 'another passphrase!!')).toBe(false);
  });

  it('verifying against no hash (unknown account) is false, even for the dummy hash’s input', async () => {
    const passwords = new Passwords(1);
    expect(await passwords.verify(null, 'whatever')).toBe(false);
    expect(await passwords.verify(undefined, '')).toBe(false);
  });

  it('a flood beyond the queue is turned away with 503 instead of piling up', async () => {
    const passwords = new Passwords(1); // queue of 50
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, () => passwords.hash('flooding passphrase')),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(refused.length).toBeGreaterThanOrEqual(9);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'service_unavailable',
    });
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(50);
  });
});
