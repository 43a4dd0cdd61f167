import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Guard } from '../auth/guard.ts';
import type { AccessTokens } from '../auth/jwt.ts';
import type { Config } from '../config/config.ts';
import type { Db } from '../db/database.ts';
import { translateDatabaseError } from '../db/errors.ts';
import { AppError } from '../errors/app-error.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem.ts';
import { type Logger, parseTraceHeaders, traceLogFields } from '../logging/logger.ts';
import { readJsonBody } from './body.ts';
import { clientIp } from './client-ip.ts';
import type { AnyRoute, RequestContext, RouteResult } from './route.ts';
import { createRouter } from './router.ts';
import { queryObject, validate } from './validate.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface AppOptions {
  config: Config;
  db: Db;
  log: Logger;
  routes: AnyRoute[];
  tokens: AccessTokens;
  /** Authentication and rate limits; without one, every route that needs a permission is 401. */
  guard?: Guard;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * The whole request pipeline, as a plain Node request listener: the api server and each
 * function target serve this same listener. route -> authenticate -> authorize ->
 * validate -> handler -> JSON, and every error through the one problem+json boundary.
 */
export function createApp(options: AppOptions): RequestListener {
  const match = createRouter(options.routes);

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
      ip: clientIp(req, options.config.TRUSTED_PROXY_HOPS),
      userAgent: req.headers['user-agent'],
      actor: undefined,
    };
    res.setHeader('x-request-id', requestId);
    res.setHeader('x-content-type-options', 'nosniff');

    let status = 500;
    try {
      const result = await dispatch(req, res, ctx);
      status = result.status ?? (result.body === undefined ? 204 : 200);
      sendJson(res, status, result.body, result.headers);
    } catch (thrown) {
      const error = translateDatabaseError(thrown);
      const problem = toProblem(error, requestId);
      status = problem.status;
      if (status >= 500) log.error('request failed', { error: thrown });
      const headers = error instanceof AppError ? error.headers : undefined;
      sendJson(res, status, problem, { 'content-type': PROBLEM_CONTENT_TYPE, ...headers });
      if (headers?.connection === 'close') res.on('finish', () => req.destroy());
    } finally {
      log.info('request', {
        httpRequest: {
          requestMethod: req.method,
          requestUrl: req.url,
          status,
          latency: `${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(6)}s`,
          userAgent: ctx.userAgent,
          remoteIp: ctx.ip,
        },
      });
    }
  };

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

    if (route.permission !== null) {
      if (!options.guard) {
        throw new AppError('unauthenticated', 'This endpoint needs a bearer token.');
      }
      const { actor, headers } = await options.guard.authenticate(req, ctx);
      setHeaders(res, headers);
      ctx.actor = actor;
      if (!actor.permissions.has(route.permission)) {
        throw new AppError('forbidden', `This needs the ${route.permission} permission.`);
      }
    } else if (route.rateLimit !== false && options.guard) {
      setHeaders(res, await options.guard.limitAnonymous(ctx));
    }

    const params = validate(route.params, found.params, 'params');
    const query = validate(route.query, queryObject(url.searchParams), 'query');
    const rawBody =
      route.body && BODY_METHODS.has(route.method)
        ? await readJsonBody(req, route.bodyLimitBytes ?? options.config.BODY_LIMIT_BYTES)
        : undefined;
    const body = validate(route.body, rawBody, 'body');
    return route.handler(ctx, { params, query, body, headers: req.headers });
  }
}

function setHeaders(res: ServerResponse, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.headersSent) return;
  const payload =
    body === undefined || status === 204 || status === 304 ? undefined : JSON.stringify(body);
  res.statusCode = status;
  setHeaders(res, headers);
  if (payload !== undefined) {
    if (!res.hasHeader('content-type'))
      res.setHeader('content-type', 'application/json; charset=utf-8');
    res.setHeader('content-length', Buffer.byteLength(payload));
  }
  res.end(payload);
}
