import { randomBytes } from 'node:crypto';
import type { Client } from '@devctx/shared/testing';
import { conversationOf, ok, type Race, serverFailures, together, unique } from './race.ts';

/** A Claude Code transcript of `n` alternating turns, one JSON line each. */
function transcript(sessionId: string, n: number) {
  const at = (i: number) => new Date(Date.UTC(2026, 10, 1, 9, 0, i)).toISOString();
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      type: i % 2 === 0 ? 'user' : 'assistant',
      uuid: `${sessionId}-${i}`,
      parentUuid: i === 0 ? null : `${sessionId}-${i - 1}`,
      sessionId,
      cwd: '/work/app',
      timestamp: at(i),
      message: {
        role: i % 2 === 0 ? 'user' : 'assistant',
        content: `${sessionId} turn ${i}`,
      },
    }),
  ).join('\n');
}

async function importAndWait(client: Client, text: string) {
  const accepted = await client.post('/v1/imports', { kind: 'claude-code', transcript: text });
  if (accepted.status !== 202) return { status: `refused ${accepted.status}` };
  for (let i = 0; i < 600; i++) {
    const reply = await client.get(`/v1/imports/${accepted.body.id}`);
    if (reply.body.status === 'succeeded' || reply.body.status === 'failed') return reply.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { status: 'never ended' };
}

// Finding 20.2: imports of one transcript into a session that already existed (as a
// capture hook makes it) each created a conversation and stored every message again.
const IMPORTS = 6;
const MESSAGES = 80;

// Finding 20.4: two batches holding the same new bodies in opposite order deadlocked.
const BODIES = 200;

export const ingestRaces: Race[] = [
  {
    invariant: `${IMPORTS} concurrent imports of one transcript into an existing session store each message once`,
    async round(target) {
      const client = target.a.owner.client;
      const externalId = unique('cc-race');
      const session = await client.post('/v1/sessions', { tool: 'claude-code', externalId });
      const text = transcript(externalId, MESSAGES);
      const outcomes = await together(IMPORTS, () => importAndWait(client, text));
      const seen = outcomes
        .filter((o) => o.status !== 'succeeded')
        .map((o) => `an import ended ${o.status}`);
      const conversations = (await client.get(`/v1/sessions/${session.body.id}/conversations`)).body
        .items;
      if (conversations.length !== 1) seen.push(`${conversations.length} conversations`);
      let stored = 0;
      for (const c of conversations) {
        stored += (await client.get(`/v1/conversations/${c.id}/messages?limit=200`)).body.items
          .length;
      }
      if (stored !== MESSAGES) seen.push(`${stored} messages stored for ${MESSAGES}`);
      return seen;
    },
  },
  {
    invariant: `Two batches with the same ${BODIES} new bodies in opposite order: both stored, no 5xx`,
    async round(target) {
      const client = target.a.owner.client;
      const conversations = await together(
        2,
        async () => (await conversationOf(client)).conversation,
      );
      const salt = randomBytes(6).toString('hex');
      const messages = Array.from({ length: BODIES }, (_, i) => ({
        role: 'user',
        content: `${salt} body ${i}`,
      }));
      const replies = await together(2, (i) =>
        client.post(`/v1/conversations/${conversations[i]?.id}/messages`, {
          messages: i === 0 ? messages : [...messages].reverse(),
        }),
      );
      return [
        ...serverFailures(replies, 'ingest'),
        ...replies.filter((r) => !ok(r)).map((r) => `a batch answered ${r.status}`),
      ];
    },
  },
];
