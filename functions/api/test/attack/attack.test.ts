import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportTable } from '../support/result-table.ts';
import { amplifyAttacks } from './amplify.ts';
import { escalationAttacks } from './escalation.ts';
import { freezeAttacks } from './freeze.ts';
import { limitAttacks } from './limits.ts';
import { mistakeAttacks } from './mistakes.ts';
import { secretAttacks } from './secrets.ts';
import { starveAttacks } from './starve.ts';
import { type Attack, FULL, type Outcome, startTarget, type Target } from './target.ts';

// The hostile-tenant review, replayed against a real server process: every class of
// attack it found, what must happen, and what did. `npm run attack` runs it at full
// strength and prints the table; `npm test` runs the short form.
const attacks: Attack[] = [
  ...freezeAttacks,
  ...starveAttacks,
  ...secretAttacks,
  ...amplifyAttacks,
  ...escalationAttacks,
  ...mistakeAttacks,
  ...limitAttacks,
];

let target: Target;
const rows: (Attack & Outcome)[] = [];

beforeAll(async () => {
  target = await startTarget();
}, 120_000);

afterAll(async () => {
  await target?.stop();
  await reportTable(
    'attack',
    `attack (${FULL ? 'full' : 'short'})`,
    ['Finding', 'Attack', 'Expected', 'Observed', ''],
    rows.map((r) => [r.finding, r.name, r.expected, r.observed, r.ok ? '✓' : '✗']),
  );
});

describe(`a hostile member of one tenant (${FULL ? 'full' : 'short'})`, () => {
  it.each(attacks.map((a) => [`${a.finding}: ${a.name}`, a] as const))(
    '%s',
    { timeout: FULL ? 600_000 : 120_000 },
    async (_, attack) => {
      const outcome = await attack.run(target);
      rows.push({ ...attack, ...outcome });
      expect(outcome.ok, `${attack.expected} — observed: ${outcome.observed}`).toBe(true);
    },
  );
});
