// Context benchmark: messages ingested through the HTTP API in batches of 1,000 (target
// ≥ 20,000/s), then the same batches again (every body a duplicate). Each message names a
// topic, every other one a file and every fourth a command, as coding sessions do.
import { startEnvironment } from './lib/environment.ts';

const BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 40);
const PARALLEL = 4;
const BATCH = 1000;

export async function ingestMessagesScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: '10' });
  try {
    const call = async (method: string, path: string, body: unknown, token?: string) => {
      const reply = await fetch(`${env.baseUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (!reply.ok) throw new Error(`${method} ${path}: ${reply.status} ${await reply.text()}`);
      return (await reply.json()) as Record<string, unknown>;
    };
    const session = await call('POST', '/v1/auth/signup', {
      tenant: { name: 'Bench', slug: 'bench-ingest' },
      user: { email: 'bench@ingest.example', password: 'benchmark passphrase 1', name: 'Bench' },
    });
    const token = session.accessToken as string;
    await env.setTier('bench-ingest', 'enterprise');
    const conversations: string[] = [];
    for (let i = 0; i < PARALLEL; i++) {
      const s = await call(
        'POST',
        '/v1/sessions',
        { tool: 'bench', externalId: `bench-${i}` },
        token,
      );
      conversations.push(
        (await call('POST', `/v1/sessions/${s.id}/conversations`, {}, token)).id as string,
      );
    }
    const batches = Array.from({ length: BATCHES }, (_, b) => ({
      messages: Array.from({ length: BATCH }, (_, i) => ({
        role: i % 2 ? 'assistant' : 'user',
        content: `Batch ${b} message ${i}: refactor rolling_log_handler.py and re-run export-dedup for checkpoint ${b * BATCH + i}.`,
        externalId: `b${b}-m${i}`,
        // What a coding session's messages name, for the insights counts kept at ingest.
        tags: [`topic:t${i % 20}`],
        fileReferences: i % 2 ? [{ path: `src/module${i % 50}.py`, operation: 'edit' }] : [],
        commands: i % 4 === 0 ? [`pytest tests/test_${i % 30}.py`] : [],
      })),
    }));

    const run = async (label: string) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        conversations.map(async (conversation) => {
          for (let b = next++; b < batches.length; b = next++) {
            await call('POST', `/v1/conversations/${conversation}/messages`, batches[b], token);
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      return {
        scenario: label,
        messages: BATCHES * BATCH,
        seconds: Math.round(seconds * 100) / 100,
        perSecond: Math.round((BATCHES * BATCH) / seconds),
      };
    };
    const first = await run('ingest, new bodies');
    const again = await run('re-ingest, same batches');
    return {
      name: 'ingest-messages',
      rows: [first, again],
      checks: [
        {
          check: 'messages/s on first ingest',
          value: first.perSecond,
          target: '≥ 20000',
          pass: first.perSecond >= 20000,
        },
      ],
    };
  } finally {
    await env.stop();
  }
}
