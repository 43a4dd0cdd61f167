import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, type SignedUp, signup, startIdentity } from './support.ts';

// Every attack below must be a 401. The control case proves the forging itself works, so a
// 401 means the server refused the token, not that the test built a broken one.
let h: IdentityHarness;
let t: SignedUp;
let privateJwk: JWK;
let kid: string;
let claims: { sub: string; tid: string; sid: string };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  const keysFile = path.join(await mkdtemp(path.join(tmpdir(), 'devctx-keys-')), 'jwt-keys.json');
  h = await startIdentity({ JWT_KEYS: 'file', JWT_KEYS_FILE: keysFile });
  t = await signup(h.anonymous, 'jwt');
  const set = JSON.parse(await readFile(keysFile, 'utf8'));
  privateJwk = set.keys[0].privateJwk;
  kid = set.keys[0].kid;
  const payload = decodeJwt(t.accessToken);
  claims = { sub: payload.sub as string, tid: payload.tid as string, sid: payload.sid as string };
});
afterAll(() => h.close());

async function forge(
  overrides: {
    iss?: string;
    aud?: string;
    typ?: string;
    kid?: string;
    exp?: number;
    nbf?: number;
    sub?: string;
  } = {},
  key: JWK = privateJwk,
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tid: claims.tid, sid: claims.sid })
    .setProtectedHeader({ alg: 'ES256', kid: overrides.kid ?? kid, typ: overrides.typ ?? 'at+jwt' })
    .setSubject(overrides.sub ?? claims.sub)
    .setIssuer(overrides.iss ?? 'https://devcontext.local')
    .setAudience(overrides.aud ?? 'dev-context-api')
    .setIssuedAt(now - 10)
    .setNotBefore(overrides.nbf ?? now - 10)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(await importJWK(key, 'ES256'));
}

const status = async (token: string) => (await h.anonymous.as(token).get('/v1/me')).status;

describe('JWT verification', () => {
  it('control: a correctly forged token with the real key is accepted', async () => {
    expect(await status(await forge())).toBe(200);
  });

  it('a token whose sub is not the user of its session is refused', async () => {
    const other = await signup(h.anonymous, 'jwt-other');
    const otherUser = decodeJwt(other.accessToken).sub as string;
    expect(await status(await forge({ sub: otherUser }))).toBe(401);
    expect(await status(await forge({ sub: '00000000-0000-4000-8000-000000000000' }))).toBe(401);
  });

  it('alg none is refused', async () => {
    const token = `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${b64({ ...claims, iss: 'https://devcontext.local', aud: 'dev-context-api', exp: 9999999999, iat: 1, nbf: 1 })}.`;
    expect(await status(token)).toBe(401);
  });

  it('HS256 signed with the public key is refused', async () => {
    const jwks = await h.anonymous.get('/.well-known/jwks.json');
    const publicKey = new TextEncoder().encode(JSON.stringify(jwks.body.keys[0]));
    const token = await new SignJWT({ tid: claims.tid, sid: claims.sid })
      .setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' })
      .setSubject(claims.sub)
      .setIssuer('https://devcontext.local')
      .setAudience('dev-context-api')
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime('10m')
      .sign(publicKey);
    expect(await status(token)).toBe(401);
  });

  it('expired and not-yet-valid tokens are refused', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect(await status(await forge({ exp: now - 120, nbf: now - 600 }))).toBe(401);
    expect(await status(await forge({ nbf: now + 600 }))).toBe(401);
  });

  it('wrong issuer, audience or type are refused', async () => {
    expect(await status(await forge({ iss: 'https://evil.example' }))).toBe(401);
    expect(await status(await forge({ aud: 'another-api' }))).toBe(401);
    expect(await status(await forge({ typ: 'JWT' }))).toBe(401);
  });

  it('a tampered payload is refused', async () => {
    const [header, , signature] = t.accessToken.split('.');
    const payload = { ...decodeJwt(t.accessToken), sub: '00000000-0000-4000-8000-000000000000' };
    expect(await status(`${header}.${b64(payload)}.${signature}`)).toBe(401);
  });

  it('an unknown kid, or a key of our own making, is refused', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const foreign = await exportJWK(privateKey);
    expect(await status(await forge({ kid: 'not-a-key' }, foreign))).toBe(401);
    expect(await status(await forge({}, foreign))).toBe(401);
    expect(await status(await forge({ kid: 'not-a-key' }))).toBe(401);
  });

  it('a refresh token used as an access token is refused', async () => {
    expect(await status(t.refreshToken)).toBe(401);
  });

  it('a missing or malformed Authorization header is a 401 with WWW-Authenticate', async () => {
    const none = await h.anonymous.get('/v1/me');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    const basic = await h.anonymous.get('/v1/me', { authorization: 'Basic dXNlcjpwYXNz' });
    expect(basic.status).toBe(401);
  });
});
