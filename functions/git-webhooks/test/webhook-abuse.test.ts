import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type SignedUp, signup, startWebhooks } from './support.ts';

// The webhook route is unauthenticated: whatever a stranger sends must cost almost nothing.
let h: Awaited<ReturnType<typeof startWebhooks>>;
let owner: SignedUp;
beforeAll(async () => {
  h = await startWebhooks({ TRUSTED_PROXY_HOPS: '1' });
  owner = await signup(h.anonymous, 'abuse');
});
afterAll(() => h.close());

/**
 * A delivery that declares `declared` bytes but sends only `sent` of them, then waits: the
 * answer comes (or the request hangs, reading) before the rest would ever be sent.
 */
function partialDelivery(repositoryId: string, declared: number, sent: number, ip: string) {
  return new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
    const url = new URL(`${h.server.baseUrl}/v1/webhooks/github/${repositoryId}`);
    const req = request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(declared),
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
        'x-forwarded-for': ip,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, closed: res.headers.connection === 'close' }),
      );
    });
    req.on('error', reject);
    req.write(Buffer.alloc(sent, 32));
  });
}

describe('webhook ingress under abuse', () => {
  it('answers a delivery to an unknown repository without reading its 24 MB body, and closes', async () => {
    const reply = await partialDelivery(randomUUID(), 24 * 1024 * 1024, 1024, '198.51.100.1');
    expect(reply).toEqual({ status: 401, closed: true });
  });

  // 121 deliveries: 9 s under a full test run, more on a slower machine.
  it('refuses an address after 120 failed deliveries in an hour, unread', async () => {
    const ip = '203.0.113.99';
    const statuses = new Map<number, number>();
    for (let i = 0; i < 121; i++) {
      const reply = await partialDelivery(randomUUID(), 100, 100, ip);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 120, 429: 1 });
    // Another address, and a signed delivery, are unaffected.
    expect((await partialDelivery(randomUUID(), 100, 100, '203.0.113.100')).status).toBe(401);
    const created = await owner.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'acme/signed',
    });
    const signed = await deliver(
      h.server.baseUrl,
      created.body.id,
      created.body.webhookSecret,
      'ping',
      { zen: 'x' },
    );
    expect(signed.status).toBe(202);
  }, 60_000);
});
