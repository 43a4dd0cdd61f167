// Context benchmark: messages ingested through the HTTP API in batches of 1,000 (target
// ≥ 20,000/s), then the same batches again (every body a duplicate). Each message names a
// topic, every other one a file and every fourth a command, as coding sessions do. Every
// fifth batch, once acknowledged, is searched for (its last message's checkpoint number):
// how long until it is found. Beside it, the machine's limit: PostgreSQL's own COPY of the
// same rows, as many at once, into a table with only a primary key.
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { startEnvironment } from './lib/environment.ts';

// 200,000 messages, about 12 s here: a steady rate rather than a 3-second burst.
const BATCHES = Number(process.env.BENCH_INGEST_BATCHES ?? 200);
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

    const findableMs: number[] = [];
    /** Milliseconds from a batch's acknowledgement until search finds its last message. */
    const untilFound = async (b: number) => {
      const acknowledged = performance.now();
      const q = encodeURIComponent(`checkpoint ${b * BATCH + BATCH - 1}`);
      for (;;) {
        const found = await fetch(`${env.baseUrl}/v1/search/messages?q=${q}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const body = (await found.json()) as { items: unknown[] };
        if (body.items.length > 0 || performance.now() - acknowledged > 10_000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      findableMs.push(Math.round(performance.now() - acknowledged));
    };
    const run = async (label: string, search = false) => {
      const started = performance.now();
      let next = 0;
      await Promise.all(
        conversations.map(async (conversation) => {
          for (let b = next++; b < batches.length; b = next++) {
            await call('POST', `/v1/conversations/${conversation}/messages`, batches[b], token);
            if (search && b % 5 === 0) await untilFound(b);
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
    const first = await run('ingest, new bodies', true);
    const again = await run('re-ingest, same batches');
    const floor = await copyFloor(env.adminUrl, batches);
    const slowestFind = Math.max(...findableMs);
    return {
      name: 'ingest-messages',
      rows: [first, again, floor],
      checks: [
        {
          check: 'messages/s on first ingest',
          value: first.perSecond,
          target: '≥ 20000',
          pass: first.perSecond >= 20000,
        },
        {
          check: 'first ingest ÷ COPY into a primary key only',
          value: Math.round((first.perSecond / floor.perSecond) * 100) / 100,
          target: 'reported',
          pass: true,
        },
        {
          check: 'slowest until found by search (ms)',
          value: slowestFind,
          target: '≤ 5000',
          pass: slowestFind <= 5000,
        },
      ],
    };
  } finally {
    await env.stop();
  }
}

/** The same rows by COPY, PARALLEL connections at once, a batch per COPY. */
async function copyFloor(
  adminUrl: string,
  batches: { messages: { role: string; content: string; externalId: string; tags: string[] }[] }[],
) {
  const setup = new pg.Client({ connectionString: adminUrl });
  await setup.connect();
  await setup.query(
    'create table copy_floor (external_id text primary key, role text, content text, tags text[])',
  );
  const copyText = (text: string) =>
    text.replace(
      /[\\\t\n\r]/g,
      (c) => `\\${c === '\t' ? 't' : c === '\n' ? 'n' : c === '\r' ? 'r' : c}`,
    );
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (let b = next++; b < batches.length; b = next++) {
          const lines = (batches[b]?.messages ?? []).map(
            (m) =>
              `${copyText(m.externalId)}\t${m.role}\t${copyText(m.content)}\t{${m.tags.map((t) => `"${t}"`).join(',')}}\n`,
          );
          const stream = client.query(copyFrom('copy copy_floor from stdin'));
          await new Promise<void>((resolve, reject) => {
            stream.on('finish', resolve).on('error', reject);
            stream.end(lines.join(''));
          });
        }
      } finally {
        await client.end();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await setup.query('drop table copy_floor');
  await setup.end();
  return {
    scenario: 'floor: COPY, primary key only',
    messages: batches.length * BATCH,
    seconds: Math.round(seconds * 100) / 100,
    perSecond: Math.round((batches.length * BATCH) / seconds),
  };
}
