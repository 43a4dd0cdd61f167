import { createServer, type Server } from 'node:http';
import type { Logger } from '../logging/logger.ts';
import type { RequestListener } from './app.ts';

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then runs onClosed. */
  shutdown(): Promise<void>;
}

export interface ServeOptions {
  listener: RequestListener;
  port: number;
  host?: string;
  log: Logger;
  graceMs: number;
  onClosed?: () => Promise<void>;
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const server = createServer((req, res) => {
    void options.listener(req, res);
  });
  // Longer than the load balancer's idle timeout, so it never reuses a socket we just closed.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      options.log.info('shutting down: no new connections, finishing in-flight requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.graceMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
      await options.onClosed?.();
      options.log.info('shut down cleanly');
    })();
    return closing;
  };
  return { server, port, shutdown };
}

/** SIGTERM (Cloud Run, Kubernetes) and SIGINT (Ctrl-C) both shut down gracefully. */
export function shutdownOnSignals(shutdown: () => Promise<void>, log: Logger) {
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`received ${signal}`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}
