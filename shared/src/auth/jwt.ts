import { randomUUID } from 'node:crypto';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { AppError } from '../errors/app-error.ts';
import type { KeySet, KeySetSource, SigningKeyRecord } from './key-sources.ts';

export const ACCESS_TOKEN_TYPE = 'at+jwt'; // RFC 9068
const ALGORITHM = 'ES256';
const RELOAD_EVERY_MS = 60_000;

export interface AccessClaims {
  userId: string;
  tenantId: string;
  sessionId: string;
  /** When the token stops being valid, in ms since the epoch. */
  expiresAt: number;
}

export interface JwtSettings {
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
}

/**
 * Signs and verifies access tokens with ES256 keys from a KeySetSource. Verification pins
 * the algorithm, issuer, audience and `typ`, and accepts only keys of the current set.
 * The set is re-read every minute so a rotation reaches every instance.
 */
type Verifier = ReturnType<typeof createLocalJWKSet>;
type SigningKey = Awaited<ReturnType<typeof importJWK>>;

export class AccessTokens {
  readonly #source: KeySetSource;
  readonly #settings: JwtSettings;
  #set: KeySet | undefined;
  // Derived from #set once per load, not per request: parsing keys is the costly part.
  #verifier: Verifier | undefined;
  #signing: Promise<SigningKey> | undefined;
  #loadedAt = 0;
  #loading: Promise<KeySet> | undefined;

  constructor(source: KeySetSource, settings: JwtSettings) {
    this.#source = source;
    this.#settings = settings;
  }

  get ttlSeconds() {
    return this.#settings.accessTtlSeconds;
  }

  async sign(claims: Omit<AccessClaims, 'expiresAt'>): Promise<string> {
    const set = await this.#keySet();
    const current = set.keys.at(-1) as SigningKeyRecord;
    this.#signing ??= importJWK(current.privateJwk, ALGORITHM);
    const key = await this.#signing;
    return new SignJWT({ tid: claims.tenantId, sid: claims.sessionId })
      .setProtectedHeader({ alg: ALGORITHM, kid: current.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.#settings.issuer)
      .setAudience(this.#settings.audience)
      .setSubject(claims.userId)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${this.#settings.accessTtlSeconds}s`)
      .setJti(randomUUID())
      .sign(key);
  }

  async verify(token: string): Promise<AccessClaims> {
    await this.#keySet();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#verifier as Verifier, {
        algorithms: [ALGORITHM],
        issuer: this.#settings.issuer,
        audience: this.#settings.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['exp', 'iat', 'nbf', 'sub'],
      }));
    } catch {
      throw new AppError('unauthenticated', 'The access token is invalid or expired.');
    }
    const { sub, tid, sid, exp } = payload;
    if (typeof sub !== 'string' || typeof tid !== 'string' || typeof sid !== 'string') {
      throw new AppError('unauthenticated', 'The access token is invalid or expired.');
    }
    return { userId: sub, tenantId: tid, sessionId: sid, expiresAt: (exp as number) * 1000 };
  }

  /** The public keys, as served at /.well-known/jwks.json. */
  async jwks(): Promise<JSONWebKeySet> {
    return publicKeys(await this.#keySet());
  }

  /**
   * Adds a new signing key. The previous key keeps verifying until every token it signed
   * has expired; keys superseded longer ago than that are dropped.
   */
  async rotate(now = new Date()): Promise<string> {
    const set = (await this.#source.load()) ?? { keys: [] };
    const next = await generateSigningKey(now);
    const cutoff = now.getTime() - this.#settings.accessTtlSeconds * 1000;
    const keep = set.keys.filter((_key, i) => {
      const successor = set.keys[i + 1];
      return !successor || Date.parse(successor.createdAt) > cutoff;
    });
    const rotated = { keys: [...keep, next] };
    await this.#source.save(rotated);
    this.#use(rotated);
    return next.kid;
  }

  async #keySet(): Promise<KeySet> {
    if (this.#set && Date.now() - this.#loadedAt < RELOAD_EVERY_MS) return this.#set;
    this.#loading ??= this.#load().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  async #load(): Promise<KeySet> {
    let set = await this.#source.load();
    if (!set?.keys.length) {
      if (!this.#source.createIfMissing) {
        throw new Error(
          `No JWT signing keys in ${this.#source.name}: create them with npm run keys:rotate`,
        );
      }
      set = { keys: [await generateSigningKey(new Date())] };
      await this.#source.save(set);
    }
    this.#use(set);
    return set;
  }

  #use(set: KeySet) {
    if (JSON.stringify(set) !== JSON.stringify(this.#set)) {
      this.#verifier = createLocalJWKSet(publicKeys(set));
      this.#signing = undefined;
    }
    this.#set = set;
    this.#loadedAt = Date.now();
  }
}

function publicKeys(set: KeySet): JSONWebKeySet {
  return {
    keys: set.keys.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: ALGORITHM, use: 'sig' })),
  };
}

async function generateSigningKey(now: Date): Promise<SigningKeyRecord> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  return {
    kid: `${now.toISOString().slice(0, 10)}-${randomUUID().slice(0, 8)}`,
    privateJwk: await exportJWK(privateKey),
    publicJwk: await exportJWK(publicKey),
    createdAt: now.toISOString(),
  };
}
