import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { type Attack, FULL, type Target } from './target.ts';

// Finding 17.4: unsigned 24 MB bodies to the unauthenticated webhook route raised RSS from
// 208 to 520 MB in 1.4 s. Now nothing of them is read.
function delivery(target: Target, bytes: number) {
  return new Promise<number>((resolve) => {
    const req = request(`${target.base}/v1/webhooks/github/${randomUUID()}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(bytes),
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        'x-forwarded-for': `192.0.2.${Math.floor(Math.random() * 250)}`,
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
    // As fast as the server will take it: all of it, if it reads.
    const chunk = Buffer.alloc(1024 * 1024, 32);
    let sent = 0;
    const pump = () => {
      while (sent < bytes && req.write(chunk)) sent += chunk.length;
      if (sent < bytes) req.once('drain', pump);
      else req.end();
    };
    pump();
  });
}

export const amplifyAttacks: Attack[] = [
  {
    finding: '17.4 memory amplification on the webhook route',
    name: `${FULL ? 24 : 8} unsigned 24 MB deliveries to unknown repositories at once`,
    expected: '401 each, unread; RSS grows by less than 50 MB',
    async run(target) {
      const before = await target.rssMb();
      const statuses = await Promise.all(
        Array.from({ length: FULL ? 24 : 8 }, () => delivery(target, 24 * 1024 * 1024)),
      );
      const after = await target.rssMb();
      const refused = statuses.filter((s) => s === 401 || s === -1).length;
      return {
        observed: `${refused}/${statuses.length} refused (401 or closed); RSS ${Math.round(before)} → ${Math.round(after)} MB`,
        ok: refused === statuses.length && after - before < 50,
      };
    },
  },
];
