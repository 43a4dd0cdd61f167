import type pg from 'pg';
import { parse } from 'pg-connection-string';

/**
 * pg's connection settings from a PostgreSQL URL, by pg's own parser: a TCP address
 * (`postgres://devctx_app@127.0.0.1:5432/devctx`, GKE's Cloud SQL Auth Proxy) or a Unix
 * socket (`postgres://devctx_app@/devctx?host=/cloudsql/P:R:I`, Cloud Run's Cloud SQL
 * mount). The password may come apart from the URL — a secret of its own, so that one
 * secret serves both forms — and then wins over any in the URL.
 */
export function connectionSettings(url: string, password?: string): pg.ClientConfig {
  const parsed = parse(url);
  const settings: pg.ClientConfig = {
    host: parsed.host ?? undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.user,
    database: parsed.database ?? undefined,
    password: password ?? (parsed.password || undefined),
  };
  if (parsed.ssl !== undefined) settings.ssl = parsed.ssl as pg.ClientConfig['ssl'];
  return settings;
}

/** Whether pg can connect with this URL: postgres: or postgresql:, a host or socket, a database. */
export function isPostgresUrl(text: string): boolean {
  if (!/^postgres(ql)?:\/\//.test(text)) return false;
  try {
    const parsed = parse(text);
    return Boolean(parsed.host && parsed.database);
  } catch {
    return false;
  }
}
