import http from 'node:http';
import { http as registerHttpFunction } from '@google-cloud/functions-framework';
import type { Family } from './family.ts';
import { healthRoutes } from './health/routes.ts';
import type { RequestListener } from './http/app.ts';
import { answerClientErrors } from './http/server.ts';
import { documentationRoutes } from './openapi/routes.ts';
import { type ServiceOptions, startService } from './service.ts';

let served: RequestListener | undefined;

/**
 * functions-framework wraps the function in an express app whose body-parser answers a
 * malformed body itself — as an HTML page, with a stack trace outside production — before
 * our pipeline could answer problem+json. It hands that app to http.createServer once it
 * has loaded this module; we serve our own pipeline on that server instead. Start-up,
 * port, signals and crash reporting stay the framework's.
 */
const createServer = http.createServer;
http.createServer = ((...args: unknown[]) => {
  const listener = served;
  if (!listener) return (createServer as (...a: unknown[]) => http.Server)(...args);
  const server = createServer((req, res) => {
    void listener(req, res);
  });
  answerClientErrors(server);
  return server;
}) as typeof http.createServer;

/**
 * Registers a Cloud Run function target (functions-framework `--target=name`) serving the
 * given routes. The service — config, keys, pool, pipeline — is built when the instance
 * starts (the entry module awaits this), so a bad configuration or a missing secret fails
 * the start of the revision instead of every request.
 */
export async function registerFunction(options: ServiceOptions): Promise<void> {
  const service = await startService(options);
  served = service.listener;
  registerHttpFunction(options.name, service.listener);
}

/** A family's own function: its routes, /health and /ready, and its API reference. */
export function registerFamily(family: Family): Promise<void> {
  const routes = [...healthRoutes, ...family.routes];
  return registerFunction({
    name: family.name,
    routes: [...routes, ...documentationRoutes(routes)],
    jobs: family.jobs,
  });
}
