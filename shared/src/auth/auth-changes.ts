import pg from 'pg';
import { connectionSettings } from '../db/connection.ts';
import type { Logger } from '../logging/logger.ts';

/** The channel sql/migrations/0031_auth_cache.sql notifies: a tenant id, or '*' for all. */
export const AUTH_CHANNEL = 'devctx_auth';

interface Forgetting {
  dropTenant(tenantId: string): void;
  clear(): void;
}

/**
 * For a long-running process (the api variant): LISTENs on one connection of its own
 * for changes to what authentication reads, made by any instance, and drops the cached
 * authentications they touch at once. While the connection is down nothing is heard, so
 * the cache is emptied when it comes back (until then entries expire as they would).
 */
export function listenForAuthChanges(options: {
  url: string;
  password?: string | undefined;
  cache: Forgetting;
  log: Logger;
}): { ready: Promise<void>; close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 1000;
  let timer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const connect = async () => {
    const next = new pg.Client({
      ...connectionSettings(options.url, options.password),
      application_name: 'devctx-auth-listener',
      // A half-open connection would never end: keepalives find it, and it reconnects.
      keepAlive: true,
    });
    client = next;
    next.on('notification', (message) => {
      if (message.channel !== AUTH_CHANNEL) return;
      if (!message.payload || message.payload === '*') options.cache.clear();
      else options.cache.dropTenant(message.payload);
    });
    next.on('error', (error) => options.log.warn('auth change listener lost', { error }));
    next.on('end', () => {
      options.cache.clear();
      if (!closed) retry();
    });
    try {
      await next.connect();
      await next.query(`listen ${AUTH_CHANNEL}`);
      // Whatever changed while nobody listened is forgotten with everything else.
      options.cache.clear();
      retryMs = 1000;
      markReady();
    } catch (error) {
      options.log.warn('auth change listener cannot connect', { error });
      await next.end().catch(() => {});
    }
  };
  const retry = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void connect(), retryMs).unref();
    retryMs = Math.min(retryMs * 2, 30_000);
  };

  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => {});
    },
  };
}
