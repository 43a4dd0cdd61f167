import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../errors/app-error.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem.ts';
import type { Logger } from '../logging/logger.ts';
import type { RequestListener } from './app.ts';

/**
 * A request Node cannot even parse (headers over 16 KB, a broken request line) never
 * reaches the pipeline: it is answered here, as problem+json like every other error, and
 * the connection closed.
 */
export function answerClientErrors(server: Server) {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable) return socket.destroy();
    const overflow = error.code === 'HPE_HEADER_OVERFLOW' || error.code === 'HPE_URI_TOO_LONG';
    const problem = toProblem(
      overflow
        ? new AppError('headers_too_large', 'The URL or the headers exceed 16 KB.')
        : new AppError('validation_failed', 'The request could not be read as HTTP.'),
      randomUUID(),
    );
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

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
  answerClientErrors(server);
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
