import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sql } from 'kysely';
import type { Guard } from '../auth/guard.ts';
import { type InternalCallerCheck, internalCallerCheck } from '../auth/internal-caller.ts';
import type { AccessTokens } from '../auth/jwt.ts';
import { redactOpaqueTokens } from '../auth/opaque-tokens.ts';
import { requirePermission } from '../auth/permissions.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { translateDatabaseError } from '../db/errors.ts';
import { actorScope, withRequestTransaction } from '../db/with-tenant.ts';
import { AppError } from '../errors/app-error.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem.ts';
import type { Dispatcher } from '../jobs/dispatcher.ts';
import { type Logger, parseTraceHeaders, traceLogFields } from '../logging/logger.ts';
import { bodyLeftUnread, rawBodyReader, readJsonBody } from './body.ts';
import { clientIp } from './client-ip.ts';
import { etagOf, matchesEtag } from './conditional.ts';
import { applyCors, setSecurityHeaders } from './headers.ts';
import { fingerprintOf, idempotencyKeyOf, runIdempotently } from './idempotency.ts';
import { send, setHeaders, writeBody } from './respond.ts';
import type { AnyRoute, RequestContext, RouteInput, RouteResult } from './route.ts';
import { createRouter } from './router.ts';
import { queryObject, validate } from './validate.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface AppOptions {
  config: Config;
  db: Db;
  log: Logger;
  routes: AnyRoute[];
  tokens: AccessTokens;
  dispatcher: Dispatcher;
  /** Authentication and rate limits; without one, every route that needs a permission is 401. */
  guard?: Guard;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * The whole request pipeline, as a plain Node request listener: the api server and each
 * function target serve this same listener. CORS -> route -> authenticate -> authorize ->
 * validate -> preconditions and idempotency -> handler -> JSON (with ETag), and every
 * error through the one problem+json boundary.
 */
export function createApp(options: AppOptions): RequestListener {
  // Built on the first internal request: most processes serve none.
  let internalCheck: InternalCallerCheck | undefined;
  const match = createRouter(options.routes);
  const production = options.config.NODE_ENV === 'production';

  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const incomingId = req.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const trace = parseTraceHeaders(req.headers);
    const log = options.log.child({
      requestId,
      ...traceLogFields(trace, options.config.GOOGLE_CLOUD_PROJECT),
    });
    const ctx: RequestContext = {
      requestId,
      log,
      db: options.db,
      config: options.config,
      tokens: options.tokens,
      dispatcher: options.dispatcher,
      ip: clientIp(req, options.config.TRUSTED_PROXY_HOPS),
      userAgent: req.headers['user-agent'],
      actor: undefined,
    };
    res.setHeader('x-request-id', requestId);
    setSecurityHeaders(res, production);

    try {
      if (applyCors(req, res, options.config.CORS_ORIGINS)) return;
      send(req, res, await dispatch(req, res, ctx));
    } catch (thrown) {
      const error = translateDatabaseError(thrown);
      const problem = toProblem(error, requestId);
      if (problem.status >= 500) log.error('request failed', { error: thrown });
      const headers: Record<string, string> = {
        'content-type': PROBLEM_CONTENT_TYPE,
        ...(error instanceof AppError ? error.headers : {}),
      };
      // A refused body is not read to its end: the connection closes instead.
      if (bodyLeftUnread(req)) headers.connection = 'close';
      if (headers.connection === 'close') res.on('finish', () => req.destroy());
      writeBody(res, problem.status, JSON.stringify(problem), headers);
    } finally {
      if (!SAFE_METHODS.has(req.method ?? 'GET')) forgetAuthentications(req, res, ctx);
      log.info('request', {
        httpRequest: {
          requestMethod: req.method,
          // A token in a URL (a link someone followed) never reaches the logs.
          requestUrl: redactOpaqueTokens(req.url ?? ''),
          status: res.statusCode,
          latency: `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(6)}s`,
          userAgent: ctx.userAgent,
          remoteIp: ctx.ip,
        },
      });
    }
  };

  /**
   * A write may have changed what authentication reads (a revoked key, a role, a reset
   * password), refused or not (a reused refresh token revokes its session and answers
   * 401): this instance forgets the cached authentications it could touch. Only routes
   * that can change credentials clear everything, so a stranger's POST cannot.
   */
  function forgetAuthentications(req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
    if (!options.guard) return;
    if (ctx.actor) return options.guard.forget(ctx.actor.tenantId);
    const found = match(req.method ?? 'GET', new URL(req.url ?? '/', 'http://internal').pathname);
    if (found.kind !== 'found') return;
    const internal = found.route.caller === 'internal' && res.statusCode < 400;
    if (found.route.changesCredentials || internal) options.guard.forget(undefined);
  }

  async function dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    ctx: RequestContext,
  ): Promise<RouteResult> {
    const url = new URL(req.url ?? '/', 'http://internal');
    const found = match(req.method ?? 'GET', url.pathname);
    if (found.kind === 'not_found') {
      throw new AppError('route_not_found', `There is no endpoint at ${url.pathname}.`);
    }
    if (found.kind === 'method_not_allowed') {
      throw new AppError('method_not_allowed', `Use ${found.allow.join(', ')} on this endpoint.`, {
        headers: { allow: found.allow.join(', ') },
      });
    }
    const { route } = found;

    if (route.caller === 'internal') {
      internalCheck ??= internalCallerCheck(options.config);
      await internalCheck(req.headers);
    } else if (route.permission !== null) {
      if (!options.guard)
        throw new AppError('unauthenticated', 'This endpoint needs a bearer token.');
      const { guard } = options;
      const { actor, headers } = await guard.authenticate(req, ctx);
      setHeaders(res, headers);
      ctx.actor = actor;
      ctx.charge = () => guard.charge(actor);
      requirePermission(actor, route.permission);
    } else if (route.rateLimit !== false && options.guard) {
      setHeaders(res, await options.guard.limitAnonymous(ctx));
    }

    const params = validate(route.params, found.params, 'params');
    const query = validate(route.query, queryObject(url.searchParams), 'query');
    const body =
      route.body && BODY_METHODS.has(route.method)
        ? await readJsonBody(req, route.bodyLimitBytes ?? options.config.BODY_LIMIT_BYTES)
        : undefined;
    const input: RouteInput<unknown, unknown, unknown> = {
      params,
      query,
      body: validate(route.body, body?.value, 'body'),
      headers: req.headers,
      ...(route.rawBody
        ? {
            readRawBody: rawBodyReader(
              req,
              route.bodyLimitBytes ?? options.config.BODY_LIMIT_BYTES,
            ),
          }
        : {}),
    };

    const run = async (): Promise<RouteResult> => {
      // A PATCH that names no field changes nothing: it answers what a GET would (to a
      // caller who may read it; 204 to one who may only write), so no handler has to guard
      // against an UPDATE without a SET.
      if (route.method === 'PATCH' && namesNoField(input.body)) {
        const current = await readCurrent(url.pathname, ctx, input);
        if (current) return current.readable ? current.result : { status: 204 };
      }
      const key =
        route.method === 'POST' ? idempotencyKeyOf(req.headers['idempotency-key']) : undefined;
      if (key && ctx.actor) {
        const fingerprint = fingerprintOf(route.method, url.pathname, body?.raw ?? Buffer.alloc(0));
        return runIdempotently(ctx, key, fingerprint, () => route.handler(ctx, input));
      }
      return route.handler(ctx, input);
    };

    const ifMatch = req.headers['if-match'];
    const resource =
      ctx.actor && route.method !== 'GET'
        ? resourceOf(url.pathname, route.method, ifMatch !== undefined)
        : undefined;
    if (!ctx.actor || !resource) return run();
    // A write to a resource (itself, or an action under it) runs in one transaction that
    // holds the resource's lock from the If-Match check to the commit: of N writers racing
    // with one ETag exactly one wins, and the answer's ETag is the state it left. The lock
    // is named lower-cased, as ids compare, so one resource has one lock.
    const tenantId = ctx.actor.tenantId;
    return withRequestTransaction(actorScope(ctx), async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`${tenantId} ${resource.toLowerCase()}`}, 0))`.execute(
        trx,
      );
      // An empty If-Match names no current tag, so it cannot match (412), unlike no header.
      if (ifMatch !== undefined) await checkIfMatch(ifMatch, resource, ctx, input);
      const result = await run();
      const etag = await newEtag(resource, result);
      return etag ? { ...result, headers: { ...result.headers, etag } } : result;
    });

    /**
     * The ETag a write leaves its resource with, for the client's next If-Match. A write
     * answering the resource's own representation (the GET's schema: toggle, assign, end,
     * most PATCHes) carries it already; any other PATCH reads the resource once more.
     */
    async function newEtag(resource: string, result: RouteResult): Promise<string | undefined> {
      if ((result.status ?? 200) >= 300 || result.headers?.etag) return undefined;
      const read = match('GET', resource);
      if (read.kind !== 'found' || !readable(read.route, ctx)) return undefined;
      const representation = read.route.responses[200]?.schema;
      if (representation && route.responses[200]?.schema === representation && result.body)
        return etagOf(JSON.stringify(result.body));
      if (route.method !== 'PATCH') return undefined;
      return etagOf(JSON.stringify((await readCurrent(resource, ctx, input))?.result.body));
    }
  }

  /**
   * The resource a write acts on, as the path of its GET: the path itself for PATCH, PUT
   * and DELETE; for a POST action (and for a DELETE of something without a GET of its own,
   * such as a link) the nearest enclosing item — `/v1/tasks/{id}` for
   * `/v1/tasks/{id}/toggle`. A POST that adds to a collection (`/v1/task-lists/{id}/tasks`)
   * locks the enclosing item only when it names an ETag: creations run side by side (those
   * that must be ordered, such as appends, order themselves on the parent's row).
   */
  function resourceOf(path: string, method: string, ifMatch: boolean): string | undefined {
    if (method === 'POST' && !ifMatch && match('GET', path).kind === 'found') return undefined;
    const segments = path.split('/');
    for (let n = segments.length; n > 2; n--) {
      const candidate = segments.slice(0, n).join('/');
      const itself = n === segments.length;
      if (itself && method === 'POST') continue;
      const read = match('GET', candidate);
      if (read.kind === 'found' && (itself || read.route.path.endsWith('}'))) return candidate;
    }
    return undefined;
  }

  /**
   * What a GET of the same path answers now (for If-Match, and for empty PATCHes), and
   * whether the caller holds that GET's permission: a key that may only write must not
   * read through a write route.
   */
  async function readCurrent(
    path: string,
    ctx: RequestContext,
    input: RouteInput<unknown, unknown, unknown>,
  ): Promise<{ result: RouteResult; readable: boolean } | undefined> {
    const read = match('GET', path);
    if (read.kind !== 'found') return undefined;
    // The GET's own params: a write under a resource (/v1/tasks/{id}/dependencies/{dependsOnId})
    // names more, and its names need not be the GET's.
    const params = validate(read.route.params, read.params, 'params');
    const query = validate(read.route.query, {}, 'query');
    const result = await read.route.handler(ctx, { ...input, params, body: undefined, query });
    return { result, readable: readable(read.route, ctx) };
  }

  /**
   * If-Match on an update: the ETag the client holds must be the one a GET of the same
   * resource would give now, else 412 and nothing changes.
   */
  async function checkIfMatch(
    header: string,
    path: string,
    ctx: RequestContext,
    input: RouteInput<unknown, unknown, unknown>,
  ) {
    // A resource that is gone has no current representation, so no tag can match (RFC 9110
    // 13.1.1): the writer who lost to a DELETE learns so as 412, like any other loser.
    const current = await readCurrent(path, ctx, input).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') {
        throw new AppError('precondition_failed', 'The resource is gone since you read it.');
      }
      throw error;
    });
    if (!current) return;
    const etag = etagOf(JSON.stringify(current.result.body));
    if (!matchesEtag(header, etag, 'strong')) {
      throw new AppError(
        'precondition_failed',
        'The resource changed since you read it; read it again.',
        // The current ETag only to a caller who may read the resource.
        current.readable ? { headers: { etag } } : {},
      );
    }
  }
}

/** Whether the caller may read what a GET route answers. */
function readable(route: AnyRoute, ctx: RequestContext): boolean {
  return route.permission === null || !!ctx.actor?.permissions.has(route.permission);
}

/** An object body whose every field is absent (zod drops unknown keys). */
function namesNoField(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.values(body).every((value) => value === undefined)
  );
}
