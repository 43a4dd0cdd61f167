import { readFile } from 'node:fs/promises';
import { addUser, type SignedUp, signup } from '@devctx/identity/testing';
import {
  Client,
  createTestDatabase,
  setTenantTier,
  type TestDatabase,
} from '@devctx/shared/testing';
import { freePort, type Spawned, spawnNode, waitForHttp } from '../process.ts';

/** How hard `npm run attack` pushes (full) and how hard the CI run does (short). */
export const FULL = process.env.ATTACK_SCALE === 'full';

/** Who attacks whom: tenant A's people and keys, and tenant B (another customer). */
export interface Target {
  base: string;
  anonymous: Client;
  database: TestDatabase;
  /** Everything the server process has written to stdout and stderr so far. */
  logs(): string;
  /** The server's resident memory now, in MB. */
  rssMb(): Promise<number>;
  a: {
    owner: SignedUp;
    admin: Awaited<ReturnType<typeof addUser>>;
    member: Awaited<ReturnType<typeof addUser>>;
    /** An API key of A's owner holding only sessions:write (the push-only key). */
    pushKey: Client;
  };
  b: { owner: SignedUp };
  stop(): Promise<void>;
}

/**
 * The api variant as a real process on a real port, over a fresh database, with its logs
 * captured: attacked from outside, as a hostile member of a tenant would attack it.
 */
export async function startTarget(env: Record<string, string> = {}): Promise<Target> {
  const database = await createTestDatabase();
  const port = await freePort();
  const server: Spawned = spawnNode(['src/main.ts'], {
    // Not a laptop: the local mailer does not print each mail's link on the console (a
    // deliberate convenience of `npm start`), so what the logs hold is the server's own.
    NODE_ENV: 'test',
    DATABASE_URL: database.appUrl,
    PORT: String(port),
    LOG_LEVEL: 'info',
    TASKS_POLL_MS: '50',
    TRUSTED_PROXY_HOPS: '1',
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '1000',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/health`);
  const anonymous = new Client(base);
  const a = await signup(anonymous, 'attack-a');
  const b = await signup(anonymous, 'attack-b');
  // A attacks at volume: its own quotas must not be what stops it.
  await setTenantTier(database.adminUrl, a.tenant.id, 'enterprise');
  const pushKey = await a.client.post('/v1/api-keys', {
    name: 'push only',
    permissions: ['sessions:write'],
  });
  return {
    base,
    anonymous,
    database,
    logs: server.output,
    rssMb: async () => {
      const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    a: {
      owner: a,
      admin: await addUser(a, 'admin'),
      member: await addUser(a, 'member'),
      pushKey: anonymous.as(pushKey.body.secret),
    },
    b: { owner: b },
    async stop() {
      server.child.kill('SIGTERM');
      await server.exited;
      await database.drop();
    },
  };
}

export interface Outcome {
  observed: string;
  ok: boolean;
}

/** One attack of the hostile-tenant review: what it tries, what must happen, and the run. */
export interface Attack {
  finding: string;
  name: string;
  expected: string;
  run(target: Target): Promise<Outcome>;
}

/** /health's slowest answer while `work` runs, polled every 10 ms. */
export async function healthWhile<T>(
  base: string,
  work: () => Promise<T>,
): Promise<{ result: T; slowestMs: number }> {
  let slowestMs = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const started = performance.now();
      await fetch(`${base}/health`);
      slowestMs = Math.max(slowestMs, performance.now() - started);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    const result = await work();
    done = true;
    await poll;
    return { result, slowestMs };
  } finally {
    done = true;
  }
}

export const ms = (n: number) => `${Math.round(n)} ms`;
