import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A stand-in for Cloud Run's Cloud SQL mount: a Unix socket at
 * `<root>/<instance>/.s.PGSQL.5432`, as Cloud Run makes under /cloudsql, whose connections
 * are piped to the PostgreSQL of `tcpUrl`. Lets a socket URL
 * (`postgres://u@/db?host=/cloudsql/P:R:I`) connect here with only its root changed.
 */
export async function cloudSqlSocket(instance: string, tcpUrl: string) {
  const root = await mkdtemp(path.join(tmpdir(), 'cloudsql-'));
  await mkdir(path.join(root, instance));
  const target = new URL(tcpUrl);
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    open.add(client).add(upstream);
    client.on('close', () => open.delete(client));
    upstream.on('close', () => open.delete(upstream));
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path.join(root, instance, '.s.PGSQL.5432'), resolve);
  });
  return {
    /** Where /cloudsql is in this stand-in. */
    root,
    close: async () => {
      for (const connection of open) connection.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(root, { recursive: true, force: true });
    },
  };
}
