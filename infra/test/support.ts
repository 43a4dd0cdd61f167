import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { families, functionNames } from '../../functions/families.ts';
import { readFunctionsFile, renderFunctions } from '../deploy/functions.ts';
import { renderGke } from '../deploy/gke.ts';
import { type DeployInputs, deployInputs } from '../deploy/inputs.ts';
import type { Rendered } from '../deploy/plan.ts';

/** One set of inputs, as a real project would give them, for every infra test. */
export const simInputs: DeployInputs = deployInputs.parse({
  projectId: 'devctx-sim',
  projectNumber: '123456789012',
  region: 'europe-west1',
  domain: 'devctx.example',
  instance: 'devctx',
  database: 'devctx',
  imageTag: 'b42',
});

/** Everything infra/ renders from those inputs. */
export function render(inputs: DeployInputs = simInputs): Rendered {
  const file = readFunctionsFile();
  return {
    inputs,
    functions: renderFunctions(inputs, file),
    gke: renderGke(inputs),
    families,
    database: file.database,
  };
}

/** Bundles as the build leaves them, one folder per function (only their hashes matter). */
export function fakeBundles(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'devctx-bundles-'));
  for (const name of functionNames) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, 'index.js'), `// ${name}`);
  }
  return dir;
}
