import { requirePermission } from '../auth/permissions.ts';
import { actorScope, inRequestTransaction, withRequestTransaction } from '../db/with-tenant.ts';
import type { AnyRoute, HttpMethod, RequestContext } from './route.ts';
import { validate } from './validate.ts';

export interface RouteCall {
  params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/**
 * Calls routes in process, as the HTTP pipeline would after authentication: the route's
 * permission, its rate limit, its input validation, its handler — a write in one transaction, like a write
 * over HTTP (or in the caller's request transaction, to land with its other writes). For surfaces that speak the API's use cases in another protocol (MCP), so each
 * answers exactly what the API does, with the same refusals.
 */
export function routeCaller(routes: AnyRoute[]) {
  const byKey = new Map(routes.map((route) => [`${route.method} ${route.path}`, route]));
  return async function callRoute<T = unknown>(
    ctx: RequestContext,
    method: HttpMethod,
    path: string,
    call: RouteCall = {},
  ): Promise<T> {
    const route = byKey.get(`${method} ${path}`);
    if (!route) throw new Error(`no route ${method} ${path}`);
    if (route.permission !== null) requirePermission(ctx.actor, route.permission);
    // Each call costs what the same call over HTTP would, from the same count: a take
    // straight from PostgreSQL would leave this instance's count behind until its next flush.
    if (ctx.actor) {
      if (!ctx.charge) throw new Error('an in-process call needs its caller’s budget');
      await ctx.charge();
    }
    const input = {
      params: validate(route.params, call.params ?? {}, 'params'),
      query: validate(route.query, call.query ?? {}, 'query'),
      body: validate(route.body, call.body, 'body'),
      headers: {},
    };
    const run = () => route.handler(ctx, input);
    // A write joins the transaction it is called in (several calls that must land together),
    // else gets its own.
    const result =
      method === 'GET' || inRequestTransaction()
        ? await run()
        : await withRequestTransaction(actorScope(ctx), run);
    return result.body as T;
  };
}

export type CallRoute = ReturnType<typeof routeCaller>;
