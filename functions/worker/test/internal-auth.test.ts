import { internalCallerCheck, loadConfig } from '@devctx/shared';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

// Production mode: Google-signed OIDC tokens, verified here against a key set of our own.
const audience = 'https://worker-abc-uc.a.run.app';
const caller = 'cloud-tasks@project.iam.gserviceaccount.com';
const config = loadConfig({
  DATABASE_URL: 'postgres://a@127.0.0.1/b',
  INTERNAL_AUTH: 'oidc',
  INTERNAL_OIDC_AUDIENCE: audience,
  INTERNAL_OIDC_SERVICE_ACCOUNTS: `${caller}, scheduler@project.iam.gserviceaccount.com`,
});
let sign: (claims: Record<string, unknown>, alg?: string) => Promise<string>;
let check: ReturnType<typeof internalCallerCheck>;

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'google-1', alg: 'RS256' };
  check = internalCallerCheck(config, createLocalJWKSet({ keys: [jwk] }));
  sign = (claims) =>
    new SignJWT({ email: caller, email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'google-1' })
      .setIssuer((claims.iss as string) ?? 'https://accounts.google.com')
      .setAudience((claims.aud as string) ?? audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
});

const verdict = async (token: string) =>
  check({ authorization: `Bearer ${token}` }).then(
    () => 'accepted',
    (e: { code?: string }) => e.code,
  );

describe('OIDC caller check', () => {
  it('accepts a Google token for our audience from an allowed service account', async () => {
    expect(await verdict(await sign({}))).toBe('accepted');
  });

  it('refuses another audience, another issuer, another account or an unverified email', async () => {
    expect(await verdict(await sign({ aud: 'https://someone-else.run.app' }))).toBe(
      'unauthenticated',
    );
    expect(await verdict(await sign({ iss: 'https://evil.example' }))).toBe('unauthenticated');
    expect(await verdict(await sign({ email: 'intruder@project.iam.gserviceaccount.com' }))).toBe(
      'unauthenticated',
    );
    expect(await verdict(await sign({ email_verified: false }))).toBe('unauthenticated');
  });

  it('refuses a token signed by anyone else, and no token at all', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ email: caller, email_verified: true })
      .setProtectedHeader({ alg: 'RS256', kid: 'google-1' })
      .setIssuer('https://accounts.google.com')
      .setAudience(audience)
      .setExpirationTime('5m')
      .sign(privateKey);
    expect(await verdict(forged)).toBe('unauthenticated');
    await expect(check({})).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('production insists on OIDC', () => {
    expect(() =>
      loadConfig({
        DATABASE_URL: 'postgres://a@h/b',
        NODE_ENV: 'production',
        JWT_KEYS: 'secret-manager',
        JWT_KEYS_SECRET: 'projects/p/secrets/s',
      }),
    ).toThrow(/INTERNAL_AUTH/);
  });
});
