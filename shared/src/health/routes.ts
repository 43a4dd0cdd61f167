import { sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors/app-error.ts';
import { defineRoute } from '../http/route.ts';

const status = z.object({ status: z.string() });

/** Process liveness: answers as long as the event loop turns; never touches the database. */
export const healthRoute = defineRoute({
  method: 'GET',
  path: '/health',
  summary: 'Liveness: the process is up',
  tags: ['service'],
  permission: null,
  rateLimit: false,
  responses: { 200: { description: 'Alive', schema: status } },
  handler: async () => ({ body: { status: 'ok' } }),
});

/** Readiness: the database answers within a second; 503 tells the load balancer to wait. */
export const readyRoute = defineRoute({
  method: 'GET',
  path: '/ready',
  summary: 'Readiness: the database is reachable',
  tags: ['service'],
  permission: null,
  rateLimit: false,
  responses: {
    200: { description: 'Ready', schema: status },
    503: { description: 'The database is not reachable' },
  },
  handler: async (ctx) => {
    const probe = sql`select 1`.execute(ctx.db);
    probe.catch(() => undefined); // a late failure after the timeout must not go unhandled
    const timeout = new Promise<never>((_, reject) => {
      setTimeout(
        () => reject(new AppError('service_unavailable', 'Database check timed out.')),
        1000,
      ).unref();
    });
    await Promise.race([probe, timeout]);
    return { body: { status: 'ready' } };
  },
});

export const healthRoutes = [healthRoute, readyRoute];
