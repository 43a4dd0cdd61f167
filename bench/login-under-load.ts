// Identity benchmark: while 50 clients hammer POST /v1/auth/login, does an authenticated
// GET /v1/me stay fast? Target: its p99 within 3x of its p99 without the login load.

import { startEnvironment } from './lib/environment.ts';
import { runClients, seconds, summarize } from './lib/load.ts';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const READERS = 10;
const LOGINS = 50;
const PASSWORD = 'benchmark passphrase 1';

export async function loginUnderLoad() {
  const env = await startEnvironment({
    RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000000',
    LOGIN_FAILURES_PER_15_MIN: '100000',
  });
  try {
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${env.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const signup = (await (
      await post('/v1/auth/signup', {
        tenant: { name: 'Bench', slug: 'bench' },
        user: { email: 'bench@bench.example', password: PASSWORD, name: 'Bench' },
      })
    ).json()) as { accessToken: string };
    const token = signup.accessToken;
    // Enterprise: the per-user hourly budget must not be what the benchmark measures.
    await env.setTier('bench', 'enterprise');
    const readMe = () =>
      fetch(`${env.baseUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const login = () =>
      post('/v1/auth/login', { tenant: 'bench', email: 'bench@bench.example', password: PASSWORD });

    await runClients('warm-up', READERS, seconds(2), readMe);
    const alone = await runClients('GET /v1/me alone', READERS, seconds(DURATION), readMe);
    const stop = seconds(DURATION);
    const [loaded, logins] = await Promise.all([
      runClients('GET /v1/me during login flood', READERS, stop, readMe),
      runClients(
        `POST /v1/auth/login x${LOGINS} clients`,
        LOGINS,
        stop,
        login,
        (s) => s === 200 || s === 503,
      ),
    ]);
    const rows = [alone, loaded, logins].map(summarize);
    const ratio = Math.round(((rows[1]?.p99 ?? 0) / (rows[0]?.p99 || 1)) * 100) / 100;
    return {
      name: 'login-under-load',
      rows,
      checks: [
        {
          check: 'p99 /v1/me with logins ÷ without',
          value: ratio,
          target: '≤ 3',
          pass: ratio <= 3,
        },
      ],
    };
  } finally {
    await env.stop();
  }
}
