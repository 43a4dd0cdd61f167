import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AnyJob,
  type AnyRoute,
  createService,
  type RunningServer,
  type Service,
  serve,
} from '../../src/index.ts';

export interface TestServer {
  baseUrl: string;
  service: Service;
  close(): Promise<void>;
}

/** A fresh key per test process: webhook secrets are encrypted as in production. */
export const TEST_ENCRYPTION_KEY = randomBytes(32).toString('base64');
const TEST_MAIL_DIR = path.join(tmpdir(), `devctx-test-mail-${process.pid}`);

/** The real pipeline on a real socket (127.0.0.1, random port), connected as the runtime role. */
export async function startTestServer(
  routes: AnyRoute[],
  databaseUrl: string,
  env: Record<string, string> = {},
  jobs: AnyJob[] = [],
  writeLog?: (line: string) => void,
  /** As the long-running api variant: LISTEN for other instances' credential changes. */
  listenForAuthChanges = false,
): Promise<TestServer> {
  const service = createService({
    name: 'test',
    routes,
    jobs,
    listenForAuthChanges,
    ...(writeLog ? { writeLog } : {}),
    env: {
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      PORT: '0',
      JWT_KEYS: 'memory',
      ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      RATE_LIMIT_ANONYMOUS_PER_HOUR: '100000',
      // Mail a test does not read goes to a folder of its own, never the checkout's .data.
      MAIL_LOCAL_DIR: TEST_MAIL_DIR,
      ...env,
    },
  });
  const running: RunningServer = await serve({
    listener: service.listener,
    port: 0,
    host: '127.0.0.1',
    log: service.log,
    graceMs: 1000,
    onClosed: service.close,
  });
  return { baseUrl: `http://127.0.0.1:${running.port}`, service, close: running.shutdown };
}
