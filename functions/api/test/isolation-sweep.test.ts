import { addUser, type SignedUp, signup } from '@devctx/identity/testing';
import { Client, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';
import { exampleOf } from './support/json-example.ts';
import { type Operation, operationsOf } from './support/operations.ts';
import { buildTenantWorld, type World } from './support/world.ts';

// The tenant isolation sweep, driven by /openapi.json: tenant A has data in every
// resource; every operation is then called by tenant B with A's ids, by A's viewer, and by
// an API key of A's owner that holds a single unrelated permission. Expected: 404 for
// another tenant's ids, 403 for a missing permission, and not one byte of A's data in any
// response B gets. A table of every operation and outcome is printed.

let api: ApiServer;
let a: SignedUp;
let b: SignedUp;
let viewer: Client;
let narrowKey: Client;
let world: World;
let operations: Operation[];
let viewerPermissions: Set<string>;
const outcomes: Record<string, Record<string, number | string>> = {};

beforeAll(async () => {
  api = await startApiServer();
  const anonymous = new Client(api.baseUrl);
  a = await signup(anonymous, 'sweep-a');
  b = await signup(anonymous, 'sweep-b');
  await setTenantTier(api.database.adminUrl, a.tenant.id, 'pro');
  const viewerUser = await addUser(a, 'viewer');
  viewer = viewerUser.client;
  viewerPermissions = new Set((await viewer.get('/v1/me')).body.permissions);
  const key = await a.client.post('/v1/api-keys', {
    name: 'narrow',
    permissions: ['profile:read'],
  });
  narrowKey = anonymous.as(key.body.secret);
  world = await buildTenantWorld(a, viewerUser.user.id, api.database.adminUrl);

  const doc = (await anonymous.get('/openapi.json')).body as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };
  operations = operationsOf(doc);
}, 120_000);

afterAll(async () => {
  const rows = Object.entries(outcomes).map(([operation, seen]) => ({ operation, ...seen }));
  console.table(rows);
  await api?.close();
});

/**
 * The concrete URL of an operation: A's ids in its path, and its required query
 * parameters (a search looks for A's marker text).
 */
function concrete(op: Operation): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => world.idFor(op.path, name));
  const required = op.query.filter((q) => q.required);
  if (required.length === 0) return path;
  const query = new URLSearchParams(
    required.map(
      (q) =>
        [q.name, q.name === 'q' ? String(world.secrets[0]) : String(exampleOf(q.schema))] as [
          string,
          string,
        ],
    ),
  );
  return `${path}?${query}`;
}

function bodyFor(op: Operation): unknown {
  if (!['POST', 'PUT', 'PATCH'].includes(op.method)) return undefined;
  return world.bodyOverride(op.method, op.path) ?? (op.body ? exampleOf(op.body) : {});
}

// Operations that may end the caller's own sign-in go last (logout last of all), or every
// later call would be 401.
const SELF_ENDING = ['POST /v1/me/password', 'POST /v1/auth/logout'];
const rank = (op: Operation) => SELF_ENDING.indexOf(`${op.method} ${op.path}`) + 1;
const authenticated = () =>
  operations.filter((op) => op.permission).sort((x, y) => rank(x) - rank(y));
const record = (op: Operation, who: string, status: number) => {
  const key = `${op.method} ${op.path}`;
  outcomes[key] ??= { permission: op.permission ?? 'public' };
  (outcomes[key] as Record<string, number | string>)[who] = status;
};

describe('tenant isolation sweep (every operation in /openapi.json)', () => {
  it('covers every authenticated operation of every family', () => {
    expect(authenticated().length).toBeGreaterThan(80);
    const families = new Set(authenticated().map((op) => op.path.split('/')[2]));
    for (const family of ['projects', 'sessions', 'repositories', 'users', 'teams', 'api-keys']) {
      expect(families).toContain(family);
    }
  });

  it("tenant B gets 404 for every one of A's ids, and never a byte of A's data", async () => {
    const problems: string[] = [];
    for (const op of authenticated()) {
      const reply = await b.client.request(op.method, concrete(op), bodyFor(op));
      record(op, 'tenant B', reply.status);
      const text = JSON.stringify(reply.body ?? '');
      const leaked = world.secrets.filter((secret) => text.includes(secret));
      if (leaked.length) problems.push(`${op.method} ${op.path}: contains ${leaked.join(', ')}`);
      if (op.path.includes('{') && reply.status !== 404) {
        problems.push(`${op.method} ${op.path}: ${reply.status}, expected 404`);
      }
      if (reply.status >= 500) problems.push(`${op.method} ${op.path}: ${reply.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('a viewer of A gets 403 exactly where the viewer role lacks the permission', async () => {
    const problems: string[] = [];
    for (const op of authenticated()) {
      if (op.method === 'DELETE' && viewerPermissions.has(op.permission as string)) continue;
      const reply = await viewer.request(op.method, concrete(op), bodyFor(op));
      record(op, 'viewer', reply.status);
      const allowed = viewerPermissions.has(op.permission as string);
      if (!allowed && reply.status !== 403)
        problems.push(`${op.method} ${op.path}: ${reply.status}, expected 403`);
      if (allowed && reply.status === 403)
        problems.push(`${op.method} ${op.path}: 403 though allowed`);
      if (reply.status >= 500) problems.push(`${op.method} ${op.path}: ${reply.status}`);
    }
    expect(problems).toEqual([]);
  });

  it('an API key with one unrelated permission gets 403 everywhere else', async () => {
    const problems: string[] = [];
    for (const op of authenticated()) {
      const reply = await narrowKey.request(op.method, concrete(op), bodyFor(op));
      record(op, 'narrow API key', reply.status);
      if (op.permission !== 'profile:read' && reply.status !== 403) {
        problems.push(`${op.method} ${op.path}: ${reply.status}, expected 403`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("left A's data as it was", async () => {
    await world.expectIntact();
  });
});
