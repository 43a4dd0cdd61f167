import http from 'node:http';
import { http as registerHttpFunction } from '@google-cloud/functions-framework';
import type { Family } from './family.ts';
import { healthRoutes } from './health/routes.ts';
import type { RequestListener } from './http/app.ts';
import { answerClientErrors } from './http/server.ts';
import { documentationRoutes } from './openapi/routes.ts';
import { createService, type Service, type ServiceOptions } from './service.ts';

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
 * given routes. The service — config, pool, pipeline — is built on the first request and
 * kept by the instance.
 */
export function registerFunction(options: ServiceOptions): void {
  let service: Service | undefined;
  const listener: RequestListener = (req, res) => {
    service ??= createService(options);
    return service.listener(req, res);
  };
  served = listener;
  registerHttpFunction(options.name, listener);
}

/** A family's own function: its routes, /health and /ready, and its API reference. */
export function registerFamily(family: Family): void {
  const routes = [...healthRoutes, ...family.routes];
  registerFunction({
    name: family.name,
    routes: [...routes, ...documentationRoutes(routes)],
    jobs: family.jobs,
  });
}
