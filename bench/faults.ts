// `npm run faults`: the API under write and read load while its database misbehaves.
// Every 3 s every connection of the runtime role is killed (pg_terminate_backend); once,
// PostgreSQL itself is stopped for 3 s and started again. Checked: the server process never
// exits, it serves again by itself soon after the database returns, errors meanwhile are
// 503 problem+json (never 500), every message batch acknowledged with 201 is in the
// database afterwards, and the insights counts kept by ingest match a recount of the
// messages. Prints a table; exits 1 when a promise is broken.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { APP_ROLE } from '@devctx/shared';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from '../scripts/lib/embedded-postgres.ts';
import { startEnvironment, temporaryDirectory } from './lib/environment.ts';

process.env.METADATA_SERVER_DETECTION ??= 'none';
const SECONDS = Number(process.env.FAULTS_SECONDS ?? 30);
const CLIENTS = 8;

const scratch = await temporaryDirectory('faults');
const dataDir = path.join(scratch, 'data');
const pgPort = await freePort();
const start = () =>
  startEmbeddedPostgres({
    dataDir,
    port: pgPort,
    password: 'unused',
    authMethod: 'trust',
    persistent: true,
  });
// Its own PostgreSQL, which it stops and starts; the database and server as every bench has.
let cluster = await start();
const environment = await startEnvironment(
  { LOG_LEVEL: 'error', RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000' },
  cluster.adminUrl,
);
const base = environment.baseUrl;
const dbUrl = environment.adminUrl;
const ready = async () =>
  (await fetch(`${base}/ready`).then(
    (r) => r.status,
    () => 0,
  )) === 200;

const call = async (method: string, url: string, body?: unknown, token?: string) => {
  const response = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    body: text ? JSON.parse(text) : undefined,
  };
};
const signup = await call('POST', '/v1/auth/signup', {
  tenant: { name: 'Faults', slug: 'faults' },
  user: { email: 'f@faults.example', password: 'faults passphrase 1', name: 'F' },
});
const token = signup.body.accessToken as string;
await environment.setTier('faults', 'enterprise');
const project = (await call('POST', '/v1/projects', { slug: 'faults', name: 'Faults' }, token))
  .body;
const list = (
  await call(
    'POST',
    `/v1/projects/${project.id}/task-lists`,
    { name: 'L', markdown: '- [ ] a\n- [ ] b\n- [ ] c\n' },
    token,
  )
).body;
const tasks = (await call('GET', `/v1/task-lists/${list.id}/tasks`, undefined, token)).body
  .items as { id: string }[];
const conversations: string[] = [];
for (let i = 0; i < CLIENTS; i++) {
  const session = (
    await call('POST', '/v1/sessions', { tool: 'faults', externalId: `f-${i}` }, token)
  ).body;
  conversations.push(
    (await call('POST', `/v1/sessions/${session.id}/conversations`, {}, token)).body.id,
  );
}

const stats = {
  requests: 0,
  ok: 0,
  s503: 0,
  s500: 0,
  other: 0,
  notProblem: 0,
  kills: 0,
  acknowledged: [] as string[],
};
let running = true;
const loops = conversations.map(async (conversation, client) => {
  for (let n = 0; running; n++) {
    const contents = Array.from(
      { length: 10 },
      (_, i) => `faults c${client} n${n} m${i} ${randomBytes(4).toString('hex')}`,
    );
    const steps = [
      () =>
        call(
          'POST',
          `/v1/conversations/${conversation}/messages`,
          {
            messages: contents.map((content, i) => ({
              role: 'user',
              content,
              tags: [`topic:c${client}`],
              commands: i % 2 ? [`make step${i}`] : [],
            })),
          },
          token,
        ),
      () => call('GET', `/v1/task-lists/${list.id}/tasks`, undefined, token),
      () => call('POST', `/v1/tasks/${tasks[n % tasks.length]?.id}/toggle`, {}, token),
    ];
    for (const [step, run] of steps.entries()) {
      const reply = await run().catch(() => ({ status: 0, type: '', body: undefined }));
      stats.requests++;
      if (reply.status >= 200 && reply.status < 300) {
        stats.ok++;
        if (step === 0) stats.acknowledged.push(...contents);
      } else if (reply.status === 503) stats.s503++;
      else if (reply.status >= 500) stats.s500++;
      else stats.other++;
      if (reply.status >= 400 && !reply.type.includes('application/problem+json'))
        stats.notProblem++;
    }
  }
});

// Faults: kill the runtime role's connections every 3 s; stop PostgreSQL for 3 s once.
const started = Date.now();
let recoverySeconds = Number.NaN;
const killer = setInterval(async () => {
  try {
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    const { rowCount } = await c.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where usename = $1`,
      [APP_ROLE],
    );
    stats.kills += rowCount ?? 0;
    await c.end();
  } catch {
    // the database is down for its restart
  }
}, 3000);
await new Promise((r) => setTimeout(r, (SECONDS * 1000) / 3));
await cluster.stop();
await new Promise((r) => setTimeout(r, 3000));
cluster = await start();
const back = Date.now();
while (!(await ready()) && Date.now() - back < 60_000) await new Promise((r) => setTimeout(r, 100));
recoverySeconds = (Date.now() - back) / 1000;
await new Promise((r) => setTimeout(r, Math.max(0, SECONDS * 1000 - (Date.now() - started))));
clearInterval(killer);
running = false;
await Promise.all(loops);

// Every acknowledged message must be stored.
const check = new pg.Client({ connectionString: dbUrl });
await check.connect();
const { rows } = await check.query<{ n: number }>(
  'select count(*)::int as n from message_bodies where content = any ($1::text[])',
  [stats.acknowledged],
);
// The insights counts kept by ingest must match a recount from the stored messages.
await check.query('create temp table kept as table session_terms');
await check.query('select rebuild_session_terms()');
const drift = await check.query<{ n: number }>(`
  select count(*)::int as n from (
    (table kept except table session_terms) union all (table session_terms except table kept)) d`);
const counted = await check.query<{ n: number }>(
  'select coalesce(sum(occurrences), 0)::int as n from kept',
);
const countsMatch = drift.rows[0]?.n === 0 && (counted.rows[0]?.n ?? 0) > 0;
await check.end();
const found = rows[0]?.n ?? 0;
const alive = environment.exitCode() === null;
await environment.stop();
await cluster.stop();
await rm(scratch, { recursive: true, force: true });

const result = {
  seconds: SECONDS,
  requests: stats.requests,
  '2xx': stats.ok,
  '503 (database away)': stats.s503,
  '500': stats.s500,
  'errors not problem+json': stats.notProblem,
  'connections killed': stats.kills,
  'messages acknowledged': stats.acknowledged.length,
  'acknowledged and found': found,
  lost: stats.acknowledged.length - found,
  'insights terms counted': counted.rows[0]?.n ?? 0,
  'insights counts match the messages': countsMatch,
  'process stayed up': alive,
  'serving again after restart (s)': Math.round(recoverySeconds * 10) / 10,
};
console.table(result);
const broken =
  !alive ||
  stats.s500 > 0 ||
  stats.notProblem > 0 ||
  found !== stats.acknowledged.length ||
  !countsMatch ||
  !(recoverySeconds < 10);
console.log(broken ? 'FAULTS: a promise was broken' : 'FAULTS: every promise kept');
process.exit(broken ? 1 : 0);
