import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliver, eventually, pushEvent, signup, startWebhooks } from './support.ts';

// Every log line the server writes at debug level, across the whole life of a webhook
// secret, is searched for it (and for the token a sync would use).
let h: Awaited<ReturnType<typeof startWebhooks>>;
const lines: string[] = [];
beforeAll(async () => {
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return rest.length === 0 ? true : write(chunk as string, ...(rest as []));
  });
  h = await startWebhooks({ LOG_LEVEL: 'debug' });
});
afterAll(async () => {
  await h.close();
  vi.restoreAllMocks();
});

describe('webhook secrets', () => {
  it('never appear in a log line, nor in any response after creation', async () => {
    const owner = await signup(h.anonymous, 'hooks-logs');
    const created = await owner.client.post('/v1/repositories', {
      provider: 'github',
      fullName: 'acme/logs',
    });
    const first: string = created.body.webhookSecret;
    const rotated = await owner.client.post(
      `/v1/repositories/${created.body.id}/webhook-secret`,
      {},
    );
    const second: string = rotated.body.webhookSecret;
    const ok = await deliver(
      h.server.baseUrl,
      created.body.id,
      second,
      'push',
      pushEvent({ commits: [{ id: 'e'.repeat(40), message: 'x' }] }),
    );
    expect(ok.status).toBe(202);
    expect(
      (await deliver(h.server.baseUrl, created.body.id, 'whsec_guess', 'ping', {})).status,
    ).toBe(401);
    await eventually(
      async () =>
        (await owner.client.get(`/v1/repositories/${created.body.id}/deliveries`)).body.items,
      (items) => items[0]?.status === 'processed',
    );
    const responses = JSON.stringify([
      (await owner.client.get(`/v1/repositories/${created.body.id}`)).body,
      (await owner.client.get('/v1/repositories')).body,
      (await owner.client.get(`/v1/repositories/${created.body.id}/deliveries`)).body,
      (await owner.client.get('/v1/audit-log')).body,
    ]);
    const logged = lines.join('');
    expect(logged).toContain('webhook signature rejected'); // the capture works
    for (const secret of [first, second]) {
      expect(logged).not.toContain(secret);
      expect(logged).not.toContain(secret.slice('whsec_'.length));
      expect(responses).not.toContain(secret);
    }
  });
});
