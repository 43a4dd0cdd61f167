import {
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@devctx/shared/testing';
import { allJobs, allRoutes } from '../../src/routes.ts';

export interface ApiServer {
  baseUrl: string;
  database: TestDatabase;
  server: TestServer;
  close(): Promise<void>;
}

/**
 * The api variant as it runs (every family, the dashboard, background jobs in-process) on
 * a real socket over a fresh database of its own. `close` stops the server and drops it.
 */
export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const database = await createTestDatabase();
  const server = await startTestServer(
    allRoutes,
    database.appUrl,
    { TASKS_POLL_MS: '50', ...env },
    allJobs,
  );
  return {
    baseUrl: server.baseUrl,
    database,
    server,
    async close() {
      await server.close();
      await database.drop();
    },
  };
}
