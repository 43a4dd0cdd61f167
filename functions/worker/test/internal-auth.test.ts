import { createService, internalCallerCheck, loadConfig } from '@devctx/shared';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { workerRoutes } from '../src/routes.ts';

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
      .setExpirationTime((claims.exp as number) ?? '5m')
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

  it('refuses a token whose signature Cloud Run removed: here nothing verified it', async () => {
    const stripped = withSignatureRemoved(await sign({}));
    expect(await verdict(stripped)).toBe('unauthenticated');
  });
});

describe("behind Cloud Run's IAM (cloud-run-iam)", () => {
  let behindIam: ReturnType<typeof internalCallerCheck>;
  beforeAll(async () => {
    const { publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'other', alg: 'RS256' };
    behindIam = internalCallerCheck(
      loadConfig({
        DATABASE_URL: 'postgres://a@127.0.0.1/b',
        INTERNAL_AUTH: 'cloud-run-iam',
        INTERNAL_OIDC_AUDIENCE: audience,
        INTERNAL_OIDC_SERVICE_ACCOUNTS: caller,
      }),
      createLocalJWKSet({ keys: [jwk] }),
    );
  });
  const verdictBehindIam = (token: string) =>
    behindIam({ authorization: `Bearer ${token}` }).then(
      () => 'accepted',
      (e: { code?: string }) => e.code,
    );

  it('accepts the token as Cloud Run forwards it, its signature replaced', async () => {
    const forwarded = withSignatureRemoved(await sign({}));
    expect(forwarded.split('.')[2]).toBe('SIGNATURE_REMOVED_BY_GOOGLE');
    expect(await verdictBehindIam(forwarded)).toBe('accepted');
  });

  it('still checks its claims: audience, issuer, expiry, account, verified email', async () => {
    for (const claims of [
      { aud: 'https://scheduler-1234.europe-west1.run.app' },
      { iss: 'https://evil.example' },
      { email: 'intruder@project.iam.gserviceaccount.com' },
      { email_verified: false },
      { exp: Math.floor(Date.now() / 1000) - 120 },
    ]) {
      const token = withSignatureRemoved(await sign(claims));
      expect(await verdictBehindIam(token), JSON.stringify(claims)).toBe('unauthenticated');
    }
  });

  it('verifies a token that still has a signature (then it was not checked by IAM)', async () => {
    // Signed by a key that is not Google's (not in the key set): refused.
    expect(await verdictBehindIam(await sign({}))).toBe('unauthenticated');
  });
});

const cloudTasks = {
  CLOUD_TASKS_PROJECT: 'p',
  CLOUD_TASKS_LOCATION: 'europe-west1',
  WORKER_URL: audience,
  TASKS_SERVICE_ACCOUNT: caller,
};

describe('production', () => {
  const production = {
    DATABASE_URL: 'postgres://a@h/b',
    NODE_ENV: 'production',
    JWT_KEYS: 'secret-manager',
    JWT_KEYS_SECRET: 'projects/p/secrets/s',
  };

  it('starts a process without internal routes with no INTERNAL_AUTH settings', async () => {
    const service = createService({
      name: 'projects',
      routes: [],
      env: { ...production, TASKS_DRIVER: 'cloud-tasks', ...cloudTasks },
    });
    expect(service.config.INTERNAL_AUTH).toBe('shared-secret');
    await service.close();
  });

  it('refuses a shared secret where internal routes are served, or set at all', () => {
    expect(() =>
      createService({
        name: 'worker',
        routes: workerRoutes([]),
        env: { ...production, TASKS_DRIVER: 'cloud-tasks', ...cloudTasks },
      }),
    ).toThrow(/INTERNAL_AUTH: must be cloud-run-iam or oidc in production/);
    expect(() => loadConfig({ ...production, INTERNAL_SHARED_SECRET: 'x'.repeat(40) })).toThrow(
      /INTERNAL_SHARED_SECRET: must not be set in production/,
    );
  });
});

/** The token as Cloud Run forwards it once its IAM check has passed. */
const withSignatureRemoved = (token: string) =>
  `${token.split('.').slice(0, 2).join('.')}.SIGNATURE_REMOVED_BY_GOOGLE`;
