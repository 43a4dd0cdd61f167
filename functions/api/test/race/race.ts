import type { Client, Reply } from '@devctx/shared/testing';
import type { Target } from '../attack/target.ts';

/** How many rounds `npm run race` runs of each race (full), and how many CI runs (short). */
export const FULL = process.env.RACE_SCALE === 'full';
export const ROUNDS = FULL ? 40 : 4;

/** One invariant the reliability review raced, and how to race it once. */
export interface Race {
  invariant: string;
  /** One round: the violations it saw (0 when the invariant held), each with a word why. */
  round(target: Target, round: number): Promise<string[]>;
}

export interface Tally {
  invariant: string;
  runs: number;
  violations: number;
  /** The first few violations, to read when one fails. */
  examples: string[];
}

export async function runRace(race: Race, target: Target, rounds = ROUNDS): Promise<Tally> {
  const tally: Tally = { invariant: race.invariant, runs: rounds, violations: 0, examples: [] };
  for (let i = 0; i < rounds; i++) {
    const seen = await race.round(target, i);
    if (seen.length > 0) tally.violations++;
    if (tally.examples.length < 3) tally.examples.push(...seen.slice(0, 3 - tally.examples.length));
  }
  return tally;
}

/** Runs `n` copies of `work` at once, released together. */
export function together<T>(n: number, work: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => work(i)));
}

/** A violation for every answer of the server's own failure (5xx but a 503 that says when to retry). */
export function serverFailures(replies: Reply[], what: string): string[] {
  return replies
    .filter((r) => r.status >= 500 && !(r.status === 503 && r.headers.get('retry-after')))
    .map((r) => `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 160)}`);
}

export const ok = (r: Reply) => r.status >= 200 && r.status < 300;

/** A request with extra headers (If-Match): the plain Client's patch and delete take none. */
export function send(
  client: Client,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Reply> {
  return client.request(method, path, body, headers);
}

let counter = 0;
/** A name no other round uses. */
export const unique = (label: string) => `${label}-${Date.now().toString(36)}-${++counter}`;

/** A new session of the client's tenant and a conversation in it. */
export async function conversationOf(client: Client) {
  const session = (await client.post('/v1/sessions', { tool: 'claude-code' })).body;
  const conversation = (await client.post(`/v1/sessions/${session.id}/conversations`, {})).body;
  return { session, conversation };
}
