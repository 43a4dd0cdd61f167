// Deploys Dev Context to a Google Cloud project (docs/operations.md, "First deploy").
//
//   npx node infra/scripts/deploy.ts bootstrap --project P --project-number N --region R --domain D [--dry-run]
//   npx node infra/scripts/deploy.ts deploy    --project P --project-number N --region R --domain D --image-tag T [--all] [--dry-run]
//   (bootstrap and deploy: add --smtp-url U --smtp-user N [--mail-from F] to send mail through
//   a relay; bootstrap keeps its password from $SMTP_PASSWORD)
//   npx node infra/scripts/deploy.ts smoke     --project P --project-number N --region R --domain D
//
// bootstrap: once per project, as its owner. deploy: every release (Cloud Build runs it);
// it ends with the smoke test and, when that fails, rolls the release back.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { families } from '../../functions/families.ts';
import { readFunctionsFile, renderFunctions } from '../deploy/functions.ts';
import { renderGke } from '../deploy/gke.ts';
import { type DeployInputs, defaultNames, deployInputs } from '../deploy/inputs.ts';
import { bootstrapPlan, deployPlan, type Rendered, smokeTargets } from '../deploy/plan.ts';
import { PlanFailed, rollBack, runPlan, smokeTest } from '../deploy/run-plan.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const usage =
  'usage: deploy.ts bootstrap|deploy|smoke --project P --project-number N --region R --domain D [--image-tag T (deploy: required)] [--instance devctx] [--database devctx] [--cluster devctx] [--all] [--dry-run] [--smtp-url smtp://relay:587 --smtp-user U [--mail-from F]]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    project: { type: 'string' },
    'project-number': { type: 'string' },
    region: { type: 'string' },
    domain: { type: 'string' },
    'image-tag': { type: 'string' },
    instance: { type: 'string', default: defaultNames.instance },
    database: { type: 'string', default: defaultNames.database },
    cluster: { type: 'string', default: 'devctx' },
    bundles: { type: 'string', default: path.join(root, 'dist', 'functions') },
    all: { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    // The mail relay (infra/mail/relay.yaml); empty means none, as Cloud Build passes it.
    'smtp-url': { type: 'string' },
    'smtp-user': { type: 'string' },
    'mail-from': { type: 'string' },
  },
});
const command = positionals[0];
const parsed = deployInputs.safeParse({
  projectId: values.project,
  projectNumber: values['project-number'],
  region: values.region,
  domain: values.domain,
  instance: values.instance,
  database: values.database,
  // Only a deploy ships images: it must name them (a forgotten tag is an error, not ':unset').
  imageTag: values['image-tag'] ?? (command === 'deploy' ? undefined : 'not-deployed'),
  smtpUrl: values['smtp-url'] || undefined,
  smtpUser: values['smtp-user'] || undefined,
  mailFrom: values['mail-from'] || undefined,
});
if (!command || !['bootstrap', 'deploy', 'smoke'].includes(command) || !parsed.success) {
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      console.error(`${issue.path.join('.')}: ${issue.message}`);
  console.error(usage);
  process.exit(64);
}
const inputs: DeployInputs = parsed.data;
const file = readFunctionsFile();
const rendered: Rendered = {
  inputs,
  functions: renderFunctions(inputs, file),
  gke: renderGke(inputs),
  families,
  database: file.database,
};
const dryRun = values['dry-run'];

try {
  if (command === 'bootstrap') {
    runPlan(bootstrapPlan(rendered), { dryRun });
    console.log(
      `\nNext: point api.${inputs.domain} at the address devctx-api and gke.${inputs.domain} at devctx-gke (gcloud compute addresses list --global), then run the pipeline.`,
    );
  } else if (command === 'deploy') {
    const points = runPlan(
      deployPlan(rendered, { bundles: values.bundles, cluster: values.cluster, all: values.all }),
      { dryRun },
    );
    if (dryRun) {
      console.log(`# Smoke test: ${smokeTargets(inputs).join(', ')}; on failure, roll back.`);
    } else {
      const failures = await smokeTest(smokeTargets(inputs));
      if (failures.length) {
        console.error(`Smoke test failed:\n  ${failures.join('\n  ')}`);
        rollBack(points);
        process.exit(1);
      }
      console.log('Smoke test passed.');
    }
  } else {
    const failures = await smokeTest(smokeTargets(inputs));
    for (const f of failures) console.error(f);
    process.exit(failures.length ? 1 : 0);
  }
} catch (error) {
  console.error((error as Error).message);
  // A deploy that failed part-way puts back what it had already changed.
  if (error instanceof PlanFailed && command === 'deploy' && !dryRun) rollBack(error.points);
  process.exit(1);
}
