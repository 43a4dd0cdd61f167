import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTarget, type Target } from '../attack/target.ts';
import { reportTable } from '../support/result-table.ts';
import { deleteRaces } from './deletes.ts';
import { ingestRaces } from './ingest.ts';
import { preconditionRaces } from './preconditions.ts';
import { FULL, type Race, ROUNDS, runRace, type Tally } from './race.ts';
import { viewRaces } from './views.ts';

// The reliability review's races, replayed against a real server process: each invariant
// that must hold however requests interleave, raced ROUNDS times. `npm run race` runs the
// long form and prints the table; `npm test` runs the short one.
const races: Race[] = [...preconditionRaces, ...ingestRaces, ...deleteRaces, ...viewRaces];

let target: Target;
const tallies: Tally[] = [];

beforeAll(async () => {
  target = await startTarget();
}, 120_000);

afterAll(async () => {
  await target?.stop();
  await reportTable(
    'race',
    `race (${FULL ? 'full' : 'short'}, ${ROUNDS} rounds)`,
    ['Invariant', 'Runs', 'Violations'],
    tallies.map((t) => [t.invariant, String(t.runs), String(t.violations)]),
  );
});

describe(`the same answer however requests interleave (${FULL ? 'full' : 'short'})`, () => {
  it.each(races.map((r) => [r.invariant, r] as const))(
    '%s',
    { timeout: FULL ? 900_000 : 120_000 },
    async (_, race) => {
      const tally = await runRace(race, target);
      tallies.push(tally);
      expect(tally.examples, `${tally.violations} of ${tally.runs} runs violated it`).toEqual([]);
    },
  );
});
