import { addUser, type SignedUp, signup } from '@devctx/identity/testing';
import { adminQuery, Client, setTenantTier } from '@devctx/shared/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { exampleOf } from './support/json-example.ts';
import { type Operation, operationsOf } from './support/operations.ts';
import { buildTenantWorld, type World } from './support/world.ts';

// Hostile input, driven by /openapi.json: malformed and boundary requests to every
// operation (wrong types, huge strings, deep nesting, unicode edge cases, NUL bytes,
// injection strings, duplicate keys, wrong content types, truncated bodies, bad path and
// query values, forged cursors, fields nested 5,000 deep, ids that are nobody's). Expected:
// no 5xx, every error is problem+json, the server stays up, and
// the database holds nothing half-written. `npm run fuzz` sends 10,000; CI a shorter run.
const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);
// npm test replays one fixed sequence (a red CI is then reproducible); npm run fuzz
// explores a new one each time and prints its seed.
const SEED = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : RUNS >= 10_000
    ? Date.now()
    : 20261125;

let api: ApiServer;
let owner: SignedUp;
let world: World;
let operations: Operation[];
const seen = { requests: 0, byStatus: new Map<number, number>() };

beforeAll(async () => {
  api = await startApiServer();
  const anonymous = new Client(api.baseUrl);
  owner = await signup(anonymous, 'fuzz');
  await setTenantTier(api.database.adminUrl, owner.tenant.id, 'enterprise');
  const member = await addUser(owner, 'member');
  world = await buildTenantWorld(owner, member.user.id, api.database.adminUrl);
  const doc = (await anonymous.get('/openapi.json')).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  operations = operationsOf(doc)
    // Ending the fuzzer's own sign-in would only make the rest 401.
    .filter((op) => !['/v1/auth/logout', '/v1/me/password'].includes(op.path));
}, 120_000);

afterAll(async () => {
  console.log(
    `fuzz: ${seen.requests} requests (seed ${SEED});`,
    Object.fromEntries([...seen.byStatus].sort(([x], [y]) => x - y)),
  );
  await api?.close();
});

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom(
    "'; drop table tasks; --",
    "' or '1'='1",
    '<script>alert(1)</script>',
    '\u0000',
    'nul\u0000inside',
    '\ud800',
    '\udfff\ud800',
    '\u202eevil',
    '\u200b',
    '💥🏳️‍🌈👩‍👩‍👧',
    '../../etc/passwd',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j-style injection string, on purpose.
    '${jndi:ldap://127.0.0.1/x}',
    '%00%ff',
    '\\',
    '"',
    'NaN',
    '-1',
    '1e309',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);
const { value: hostileValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 }),
  ),
}));

/** Percent-encodes the UTF-8 bytes (lone surrogates too, as U+FFFD), as a client would send them. */
const encode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

/** One request: an operation, and what is wrong with it. */
const request = fc
  .record({
    op: fc.integer({ min: 0, max: 10_000 }),
    kind: fc.constantFrom(
      'field',
      'field',
      'whole-body',
      'deep-nesting',
      'duplicate-keys',
      'truncated',
      'content-type',
      'path',
      'query',
      'forged-cursor',
      'deep-field',
      'foreign-ids',
    ),
    value: hostileValue,
    cut: fc.double({ min: 0, max: 1, noNaN: true }),
    depth: fc.integer({ min: 50, max: 100_000 }),
    cursor: fc.record({
      after: fc.oneof(
        hostileString,
        fc.constantFrom(
          '0000-01-01 00:00:00+00',
          '2026-02-31 10:00:00+00',
          '1e999',
          'NaN',
          '-1',
          '99999999999999999999',
        ),
      ),
      id: fc.oneof(hostileString, fc.uuid(), fc.constant('g'.repeat(40))),
    }),
    contentType: fc.constantFrom(
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      '',
      'application/json; charset=utf-16',
    ),
    noToken: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // 1 in 10 anonymous
  })
  .map((r) => {
    const op = operations[r.op % operations.length] as Operation;
    const valid = op.body ? exampleOf(op.body) : {};
    let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => world.idFor(op.path, name));
    let body: string | undefined = ['POST', 'PUT', 'PATCH'].includes(op.method)
      ? JSON.stringify(valid)
      : undefined;
    let contentType = 'application/json';
    switch (r.kind) {
      case 'field': {
        const keys = valid && typeof valid === 'object' ? Object.keys(valid) : [];
        const key = keys[Math.floor(r.cut * keys.length)];
        body = JSON.stringify(key ? { ...(valid as object), [key]: r.value } : r.value);
        break;
      }
      case 'whole-body':
        body = JSON.stringify(r.value);
        break;
      case 'deep-nesting':
        body = `${'['.repeat(r.depth)}${']'.repeat(r.depth)}`;
        break;
      case 'duplicate-keys': {
        const text = JSON.stringify(valid);
        body = text.startsWith('{"')
          ? `{${text.slice(1, -1)},${text.slice(1, -1)},"role":1,"role":"x"}`
          : text;
        break;
      }
      case 'truncated':
        body = JSON.stringify(valid).slice(0, Math.floor(r.cut * JSON.stringify(valid).length));
        break;
      case 'content-type':
        contentType = r.contentType;
        break;
      case 'path':
        path = path.replace(
          /[0-9a-f-]{36}|\b1\b|[0-9a-f]{40}/,
          encode(
            String(typeof r.value === 'string' ? r.value : JSON.stringify(r.value)).slice(0, 3000),
          ),
        );
        break;
      case 'forged-cursor': {
        // A cursor this API never issued: the right shape with values of the wrong kind.
        const forged = Buffer.from(JSON.stringify(r.cursor)).toString('base64url');
        path += `${path.includes('?') ? '&' : '?'}cursor=${forged}`;
        break;
      }
      case 'deep-field': {
        // A field nested far deeper than any payload (tool call inputs once took 5,000).
        const keys = valid && typeof valid === 'object' ? Object.keys(valid) : [];
        const key = keys[Math.floor(r.cut * keys.length)] ?? 'x';
        const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
        body = `{${JSON.stringify(key)}:${deep}}`;
        break;
      }
      case 'foreign-ids': {
        // Every id the body names replaced by one that is nobody's (or not this tenant's).
        body = JSON.stringify(valid, (_, v) =>
          typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) ? crypto.randomUUID() : v,
        );
        break;
      }
      case 'query': {
        const name = op.query[Math.floor(r.cut * op.query.length)]?.name ?? 'limit';
        path += `?${name}=${encode(JSON.stringify(r.value).slice(0, 3000))}`;
        break;
      }
    }
    if (body === undefined && r.kind !== 'path' && r.kind !== 'query')
      body = JSON.stringify(r.value);
    return {
      method: op.method,
      path,
      body,
      contentType,
      token: !op.permission || r.noToken ? undefined : owner.accessToken,
    };
  });

async function send(r: {
  method: string;
  path: string;
  body: string | undefined;
  contentType: string;
  token: string | undefined;
}) {
  const response = await fetch(`${api.baseUrl}${r.path}`, {
    method: r.method,
    headers: {
      ...(r.body !== undefined && r.contentType ? { 'content-type': r.contentType } : {}),
      ...(r.token ? { authorization: `Bearer ${r.token}` } : {}),
    },
    body: r.method === 'GET' || r.method === 'DELETE' ? undefined : r.body,
  });
  const text = await response.text();
  seen.requests++;
  seen.byStatus.set(response.status, (seen.byStatus.get(response.status) ?? 0) + 1);
  return { status: response.status, type: response.headers.get('content-type') ?? '', text };
}

describe(`hostile input (${RUNS} requests)`, () => {
  it('never a 5xx; every error is problem+json', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const reply = await send(r);
        expect(reply.status, `${r.method} ${r.path.slice(0, 200)}`).toBeLessThan(500);
        if (reply.status >= 400) {
          expect(reply.type, `${r.method} ${r.path.slice(0, 200)}`).toContain(
            'application/problem+json',
          );
          const problem = JSON.parse(reply.text);
          expect(Object.keys(problem)).toEqual(
            expect.arrayContaining(['type', 'title', 'status', 'code', 'requestId']),
          );
          expect(reply.text).not.toMatch(/\n\s+at \S+ \(/); // no stack trace
        }
      }),
      { numRuns: RUNS, endOnFailure: true, seed: SEED },
    );
  }, 600_000);

  it('the server is still up and serving', async () => {
    expect((await fetch(`${api.baseUrl}/ready`)).status).toBe(200);
    expect((await owner.client.get('/v1/me')).status).toBe(200);
  });

  it('the database holds nothing half-written: usage counters match the rows they count', async () => {
    const drift = await adminQuery(
      api.database.adminUrl,
      `select u.tenant_id,
              u.projects, (select count(*) from projects p where p.tenant_id = u.tenant_id) as projects_rows,
              u.repositories, (select count(*) from repositories r where r.tenant_id = u.tenant_id) as repositories_rows,
              u.messages, (select count(*) from message_bodies b where b.tenant_id = u.tenant_id) as message_rows,
              u.storage_bytes, (select coalesce(sum(byte_size), 0) from message_bodies b where b.tenant_id = u.tenant_id)
                + (select coalesce(sum(upload_bytes), 0) from imports i where i.tenant_id = u.tenant_id and i.upload_purged_at is null) as bytes
         from tenant_usage u
        where u.projects <> (select count(*) from projects p where p.tenant_id = u.tenant_id)
           or u.repositories <> (select count(*) from repositories r where r.tenant_id = u.tenant_id)
           or u.messages <> (select count(*) from message_bodies b where b.tenant_id = u.tenant_id)
           or u.storage_bytes <> (select coalesce(sum(byte_size), 0) from message_bodies b where b.tenant_id = u.tenant_id)
                + (select coalesce(sum(upload_bytes), 0) from imports i where i.tenant_id = u.tenant_id and i.upload_purged_at is null)`,
    );
    expect(drift).toEqual([]);
    // Batches are whole: every conversation's messages are numbered 0..n-1 without a gap.
    const gaps = await adminQuery(
      api.database.adminUrl,
      `select conversation_id from messages group by conversation_id having max(sequence) <> count(*) - 1`,
    );
    expect(gaps).toEqual([]);
    expect(seen.requests).toBeGreaterThanOrEqual(RUNS);
  });
});
