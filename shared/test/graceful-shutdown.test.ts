import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineRoute, healthRoutes } from '../src/index.ts';
import { createTestDatabase, startTestServer, type TestDatabase } from './support/index.ts';

const slowRoute = defineRoute({
  method: 'GET',
  path: '/v1/wait',
  summary: 'Answers after a delay',
  permission: null,
  query: z.object({ ms: z.coerce.number().int() }),
  responses: { 200: { description: 'Done' } },
  handler: async (_ctx, { query }) => {
    await new Promise((r) => setTimeout(r, query.ms));
    return { body: { waited: query.ms } };
  },
});

describe('graceful shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('finishes in-flight requests, refuses new connections, then closes the pool', async () => {
    const server = await startTestServer([...healthRoutes, slowRoute], database.appUrl);
    expect((await fetch(`${server.baseUrl}/ready`)).status).toBe(200);
    const inFlight = fetch(`${server.baseUrl}/v1/wait?ms=400`, {
      headers: { connection: 'close' },
    });
    await new Promise((r) => setTimeout(r, 100));
    const closing = server.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 400 });
    await closing;
    await expect(fetch(`${server.baseUrl}/health`)).rejects.toThrow();
    expect(server.service.database.pool.totalCount).toBe(0);
  });
});
