import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployHash } from '../deploy/functions.ts';
import { bootstrapPlan, deployPlan, SECRETS } from '../deploy/plan.ts';
import { type Exec, PlanFailed, rollBack, runPlan, smokeTest } from '../deploy/run-plan.ts';
import { fakeBundles, render, simInputs } from './support.ts';

// The runner against a stand-in for gcloud and kubectl that records every call and knows
// which things exist: what is skipped, what secrets are made of, how a failed release is
// rolled back.
const r = render();

function fakeTools(exists: (args: string[]) => string | undefined) {
  const calls: { tool: string; args: string[]; stdin?: string }[] = [];
  const exec: Exec = (tool, args, options) => {
    calls.push({ tool, args, ...(options.stdin !== undefined ? { stdin: options.stdin } : {}) });
    const describe = args.includes('describe') || args.includes('versions');
    if (describe) {
      const output = exists(args);
      return output === undefined
        ? { status: 1, stdout: '', stderr: 'NOT_FOUND' }
        : { status: 0, stdout: output, stderr: '' };
    }
    if (args.includes('update') && args[0] === 'tasks' && !exists(args))
      return { status: 1, stdout: '', stderr: 'queue not found' };
    return { status: 0, stdout: '', stderr: '' };
  };
  const ran = (prefix: string) =>
    calls.filter((c) => `${c.tool} ${c.args.join(' ')}`.startsWith(prefix));
  return { calls, exec, ran };
}

describe('bootstrap', () => {
  it('makes each secret once, from values it generates and never prints', () => {
    const tools = fakeTools(() => undefined); // an empty project
    runPlan(bootstrapPlan(r), { exec: tools.exec, log: () => {} });
    const secret = (name: string) =>
      tools.ran(`gcloud secrets create ${name} `).map((c) => c.stdin)[0] ?? '';
    const postgres = secret(SECRETS.postgresPassword);
    expect(postgres).toMatch(/^[\w-]{32}$/);
    // The password set on the instance is the one kept in the secret.
    const setPassword = tools.ran('gcloud sql users set-password postgres')[0]?.args ?? [];
    expect(setPassword.at(-1)).toBe(postgres);
    expect(secret(SECRETS.databasePassword)).not.toBe(postgres);
    expect(Buffer.from(secret(SECRETS.encryptionKey), 'base64')).toHaveLength(32);
    // The first signing key set is written by the project's own code.
    expect(tools.ran('npm run keys:rotate')).toHaveLength(1);

    const printed: string[] = [];
    runPlan(bootstrapPlan(r), { dryRun: true, log: (line) => printed.push(line) });
    const all = printed.join('\n');
    expect(all).toContain('--password <generated postgres-password>');
    expect(all).not.toContain(postgres);
  });

  it('deletes only old versions of uploads, after as long as the database can be recovered', () => {
    const flag = bootstrapPlan(r)
      .flatMap((s) => s.args)
      .find((a): a is string => typeof a === 'string' && a.startsWith('--lifecycle-file='));
    const file = flag?.split('=')[1] ?? '';
    const { rule } = JSON.parse(readFileSync(file, 'utf8'));
    expect(rule).toEqual([
      { action: { type: 'Delete' }, condition: { isLive: false, daysSinceNoncurrentTime: 7 } },
    ]);
  });

  it('skips what exists, so it can run again', () => {
    const tools = fakeTools(() => 'exists');
    runPlan(bootstrapPlan(r), { exec: tools.exec, log: () => {} });
    expect(tools.ran('gcloud secrets create')).toEqual([]);
    expect(tools.ran('gcloud sql users set-password')).toEqual([]);
    expect(tools.ran('gcloud iam service-accounts create')).toEqual([]);
    // Grants are added every time: adding one that exists changes nothing.
    expect(tools.ran('gcloud secrets add-iam-policy-binding').length).toBeGreaterThan(0);
  });
});

describe('deploy', () => {
  const bundles = fakeBundles();

  it('deploys only what changed, and creates a queue or schedule the first time', () => {
    const identity = r.functions.find((f) => f.name === 'identity');
    const unchanged = identity ? deployHash(identity, simInputs, `${bundles}/identity`) : '';
    const tools = fakeTools((args) =>
      args.includes('--format=value(metadata.labels.devctx-deploy-hash)')
        ? args[3] === 'identity'
          ? unchanged
          : 'an-older-hash'
        : args[0] === 'tasks' && args[3] !== 'imports'
          ? 'exists'
          : undefined,
    );
    runPlan(deployPlan(r, { bundles, cluster: 'devctx' }), { exec: tools.exec, log: () => {} });
    expect(tools.ran('gcloud functions deploy identity')).toEqual([]);
    expect(tools.ran('gcloud functions deploy projects')).toHaveLength(1);
    expect(tools.ran('gcloud tasks queues create imports')).toHaveLength(1);
    expect(tools.ran('gcloud tasks queues create default')).toEqual([]);
    expect(tools.ran('kubectl apply -f -')[0]?.stdin).toContain('kind: Deployment');
  });

  /** Tools where GKE's rollout revision is `before` until the manifests are applied, then `after`. */
  function releaseTools(before: string, after: string) {
    const tools = fakeTools((args) =>
      args.includes('--format=value(status.traffic[0].revisionName)')
        ? `${args[3]}-00041-abc`
        : undefined,
    );
    let applied = false;
    const exec: Exec = (tool, args, options) => {
      if (tool === 'kubectl' && args.includes('get')) {
        tools.calls.push({ tool, args });
        return { status: 0, stdout: applied ? after : before, stderr: '' };
      }
      if (tool === 'kubectl' && args[0] === 'apply') applied = true;
      return tools.exec(tool, args, options);
    };
    return { ...tools, exec };
  }

  it('rolls a failed release back to the revisions that served before, and GKE to its rollout', () => {
    const tools = releaseTools('7', '8');
    const points = runPlan(deployPlan(r, { bundles, cluster: 'devctx' }), {
      exec: tools.exec,
      log: () => {},
    });
    rollBack(points, { exec: tools.exec, log: () => {} });
    const back = tools.ran('gcloud run services update-traffic');
    expect(back.map((c) => c.args[3])).toEqual(r.functions.map((f) => f.name));
    expect(back[0]?.args).toContain('--to-revisions=identity-00041-abc=100');
    expect(back[0]?.args).toContain('--project=devctx-sim');
    expect(tools.ran('kubectl -n devctx rollout undo deployment/devctx-api')[0]?.args).toContain(
      '--to-revision=7',
    );
  });

  it('leaves GKE alone when the release did not change its rollout', () => {
    const tools = releaseTools('7', '7');
    const points = runPlan(deployPlan(r, { bundles, cluster: 'devctx' }), {
      exec: tools.exec,
      log: () => {},
    });
    rollBack(points, { exec: tools.exec, log: () => {} });
    expect(tools.ran('kubectl -n devctx rollout undo')).toEqual([]);
  });

  it('a release that fails part-way hands back what it changed so far, to roll back', () => {
    const tools = releaseTools('7', '8');
    const failing: Exec = (tool, args, options) =>
      tool === 'gcloud' && args[0] === 'functions' && args[2] === 'projects'
        ? { status: 1, stdout: '', stderr: 'deploy failed' }
        : tools.exec(tool, args, options);
    let thrown: unknown;
    try {
      runPlan(deployPlan(r, { bundles, cluster: 'devctx' }), { exec: failing, log: () => {} });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PlanFailed);
    const points = (thrown as PlanFailed).points;
    expect([...points.services.keys()]).toContain('projects');
    expect(points.gke).toBeUndefined(); // GKE was never reached
  });

  it('stops at the first failure, naming the step', () => {
    const exec: Exec = (_tool, args) =>
      args[0] === 'run' && args[2] === 'execute'
        ? { status: 1, stdout: '', stderr: 'migration 0023 failed' }
        : { status: 0, stdout: '', stderr: '' };
    expect(() =>
      runPlan(deployPlan(r, { bundles, cluster: 'devctx' }), { exec, log: () => {} }),
    ).toThrow(/Migrate .* failed[\s\S]*migration 0023 failed/);
  });
});

describe('smoke test', () => {
  let healthy: http.Server;
  let broken: http.Server;
  const base = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  beforeAll(async () => {
    const serve = (ready: number) =>
      http.createServer((req, res) => {
        if (req.url === '/v1/me') {
          res.writeHead(401, { 'content-type': 'application/problem+json' });
          return res.end('{}');
        }
        res.writeHead(req.url === '/ready' ? ready : 200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    healthy = serve(200).listen(0, '127.0.0.1');
    broken = serve(503).listen(0, '127.0.0.1');
    await Promise.all([healthy, broken].map((s) => new Promise((ok) => s.once('listening', ok))));
  });
  afterAll(() => {
    healthy.close();
    broken.close();
  });

  it('passes a host that serves, and names what a failing one got wrong', async () => {
    expect(await smokeTest([base(healthy)])).toEqual([]);
    expect(await smokeTest([base(broken)])).toEqual([
      `${base(broken)}/ready: 503 application/json, expected 200`,
    ]);
    const down = await smokeTest(['http://127.0.0.1:9']);
    expect(down).toHaveLength(4);
  });
});
