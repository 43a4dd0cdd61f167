import { randomBytes } from 'node:crypto';
import { AppError } from '@devctx/shared';
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

/** Algorithm.Argon2id: the package exports it as a const enum, which type stripping cannot read. */
const ARGON2ID = 2;
/** At least OWASP's argon2id recommendation: 19 MiB, 2 passes, 1 lane. */
const PARAMETERS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const passwordSchema = z
  .string()
  .min(12, 'Use at least 12 characters.')
  .max(256, 'Use at most 256 characters.')
  .describe('12 to 256 characters.');

/**
 * Hashing costs ~20 MiB and tens of milliseconds; a flood of logins must queue here rather
 * than exhaust memory and the thread pool that other requests need. Past a queue this long
 * the caller is told to come back.
 */
class Gate {
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  readonly #limit: number;
  readonly #maxQueue: number;
  constructor(limit: number, maxQueue: number) {
    this.#limit = limit;
    this.#maxQueue = maxQueue;
  }
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.#limit) {
      if (this.#waiting.length >= this.#maxQueue) {
        throw new AppError('service_unavailable', 'Too many sign-ins at once; retry shortly.', {
          headers: { 'retry-after': '1' },
        });
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running++;
    try {
      return await work();
    } finally {
      this.#running--;
      this.#waiting.shift()?.();
    }
  }
}

export class Passwords {
  readonly #gate: Gate;
  #dummyHash: Promise<string> | undefined;

  constructor(concurrency: number) {
    this.#gate = new Gate(concurrency, concurrency * 50);
  }

  hash(password: string): Promise<string> {
    return this.#gate.run(() => hash(password, PARAMETERS));
  }

  /**
   * Verifies against the stored hash, or — when there is no such account — against a hash
   * of a random string, so a wrong tenant, a wrong email and a wrong password take the same
   * time and give the same answer.
   */
  async verify(storedHash: string | null | undefined, password: string): Promise<boolean> {
    this.#dummyHash ??= hash(randomBytes(16).toString('hex'), PARAMETERS);
    const target = storedHash ?? (await this.#dummyHash);
    const ok = await this.#gate.run(() => verify(target, password).catch(() => false));
    return ok && Boolean(storedHash);
  }
}

/** One per process: the cap is per instance, like the thread pool it protects. */
let shared: Passwords | undefined;
export function passwordsFor(concurrency: number): Passwords {
  shared ??= new Passwords(concurrency);
  return shared;
}
