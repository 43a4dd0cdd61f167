// The floor the reads are measured against: what a careful hand-written server does for
// the same answer, in a child process of its own like the API — node:http, pg and jose
// (ES256, issuer and audience pinned), the credential and rate-limit statement, then the
// tenant transaction with the same statements the product's handler compiles. No
// framework, no validation layer, no logging. Configured by BARE_CONFIG (JSON, see Config).
import { createServer } from 'node:http';
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import pg from 'pg';

export interface Statement {
  sql: string;
  /** Values; '$tenant', '$user' and '$session' stand for the verified token's claims. */
  params: unknown[];
}
export interface Config {
  databaseUrl: string;
  pool: number;
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  /** Path (with its query) -> the statements inside its tenant transaction. */
  routes: Record<string, Statement[]>;
}

const config = JSON.parse(process.env.BARE_CONFIG ?? '{}') as Config;
const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.pool });
pool.on('error', () => {});
const keys = createLocalJWKSet(config.jwks);
const AUTHENTICATE = `select a.*, r.* from authenticate_request($1::uuid, $2::uuid, $3::uuid, null::bytea) a
  cross join lateral rate_limit_take('user:' || a.user_id::text, a.requests_per_hour, 3600) r`;

const server = createServer(async (req, res) => {
  const reply = (status: number, body: unknown) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  };
  const statements = config.routes[req.url ?? ''];
  if (!statements) return reply(404, { error: 'not found' });
  try {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['ES256'],
      issuer: config.issuer,
      audience: config.audience,
    });
    const claims: Record<string, unknown> = {
      $tenant: payload.tid,
      $user: payload.sub,
      $session: payload.sid,
    };
    const auth = await pool.query(AUTHENTICATE, [payload.tid, payload.sid, payload.sub]);
    if (!auth.rows[0]) return reply(401, { error: 'unauthenticated' });
    if (!auth.rows[0].allowed) return reply(429, { error: 'rate limited' });
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)`,
        [payload.tid, payload.sub],
      );
      let rows: unknown[] = [];
      for (const statement of statements) {
        const params = statement.params.map((p) =>
          typeof p === 'string' && p in claims ? claims[p] : p,
        );
        rows = (await client.query(statement.sql, params)).rows;
      }
      await client.query('commit');
      reply(200, { items: rows });
    } finally {
      client.release();
    }
  } catch {
    reply(401, { error: 'unauthenticated' });
  }
});
server.listen(Number(process.env.PORT), '127.0.0.1');
