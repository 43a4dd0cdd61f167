import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { contextRoutes } from '@devctx/context/routes';
import { webhookRoutes } from '@devctx/git-webhooks/routes';
import { identityRoutes } from '@devctx/identity/routes';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoriesRoutes } from '@devctx/repositories/routes';
import { type AnyRoute, configSchema } from '@devctx/shared';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTIONS } from '../../scripts/build.ts';
import { deployCommands, readFunctionsFile } from '../scripts/deploy-functions.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const file = readFunctionsFile();
const yaml = (name: string) =>
  parse(readFileSync(path.join(root, 'infra', 'functions', name), 'utf8'));

describe('function definitions (infra/functions/functions.yaml)', () => {
  it('deploy exactly the function targets that exist in code', () => {
    expect(file.functions.map((f) => f.name).sort()).toEqual([...FUNCTIONS].sort());
    for (const name of FUNCTIONS) {
      const entry = readFileSync(path.join(root, 'functions', name, 'src', 'index.ts'), 'utf8');
      expect(entry, name).toMatch(new RegExp(`registerFunction\\(\\{\\s*name: '${name}'`));
    }
  });

  it('keep the worst-case connection count below the database limit', () => {
    const functions = file.functions.reduce((sum, f) => sum + f.maxInstances * f.poolMax, 0);
    const total = functions + file.gke.maxReplicas * file.gke.poolMax;
    expect(total).toBeLessThanOrEqual(file.database.maxConnections - file.database.reserved);
    // The arithmetic written in the file's header is this one.
    expect(readFileSync(path.join(root, 'infra', 'functions', 'functions.yaml'), 'utf8')).toContain(
      `= ${total}`,
    );
  });

  it('set only real settings, with secrets from Secret Manager, never as values', () => {
    const known = new Set(Object.keys(configSchema.shape));
    for (const f of file.functions) {
      for (const name of Object.keys(f.env)) expect(known, `${f.name}: ${name}`).toContain(name);
      for (const secret of ['DATABASE_URL', 'ENCRYPTION_KEY', 'INTERNAL_SHARED_SECRET']) {
        expect(f.env, `${f.name}: ${secret}`).not.toHaveProperty(secret);
      }
      expect(f.secrets.join(' '), f.name).toMatch(/^DATABASE_URL=devctx-database-url:latest/);
      expect(f.concurrency, f.name).toBeGreaterThan(1);
      expect(f.cpu, f.name).toBeGreaterThanOrEqual(1);
    }
  });

  it('give each function its own service account, no broad roles, and let only the callers invoke the private ones', () => {
    const accounts = yaml('iam.yaml').serviceAccounts as Record<
      string,
      { roles?: string[]; invokes?: string[] }
    >;
    for (const f of file.functions)
      expect(Object.keys(accounts), f.name).toContain(`devctx-${f.name}`);
    for (const [name, account] of Object.entries(accounts)) {
      for (const role of account.roles ?? [])
        expect(['roles/owner', 'roles/editor', 'roles/viewer'], name).not.toContain(role);
    }
    const privateOnes = file.functions
      .filter((f) => !f.public)
      .map((f) => f.name)
      .sort();
    const invoked = Object.values(accounts)
      .flatMap((a) => a.invokes ?? [])
      .sort();
    expect(invoked).toEqual(privateOnes);
  });

  it('turn into gcloud deploys: gen2, nodejs24, private functions not public, the bundle hash as a label', () => {
    const byName = new Map(file.functions.map((f) => [f.name, f]));
    const [deploy, sql] = deployCommands(byName.get('worker') as never, {
      project: 'p1',
      instance: 'p1:eu:db',
      hash: 'abc',
    });
    expect(deploy).toEqual(
      expect.arrayContaining([
        '--gen2',
        '--runtime=nodejs24',
        '--source=dist/functions/worker',
        '--entry-point=worker',
        '--no-allow-unauthenticated',
        '--service-account=devctx-worker@p1.iam.gserviceaccount.com',
        '--update-labels=bundle-hash=abc',
        '--set-secrets=DATABASE_URL=devctx-database-url:latest',
      ]),
    );
    expect(deploy?.find((a) => a.startsWith('--set-env-vars='))).toContain('DATABASE_POOL_MAX=5');
    expect(deploy?.join(' ')).not.toContain('PROJECT_ID');
    expect(sql).toContain('--add-cloudsql-instances=p1:eu:db');
    const [identity] = deployCommands(byName.get('identity') as never, {
      project: 'p1',
      instance: 'i',
      hash: 'h',
    });
    expect(identity).toContain('--ingress-settings=internal-and-gclb');
  });
});

describe('load balancer routing (infra/functions/url-map.yaml)', () => {
  const urlMap = yaml('url-map.yaml');
  const rules = urlMap.pathMatchers[0].pathRules as { service: string; paths: string[] }[];
  /** GCP URL maps: the longest matching rule wins; `/x/*` matches below /x/. */
  const serviceFor = (requestPath: string) => {
    let best: { service: string; length: number } | undefined;
    for (const rule of rules) {
      for (const p of rule.paths) {
        const matches = p.endsWith('/*')
          ? requestPath.startsWith(p.slice(0, -1))
          : requestPath === p;
        if (matches && (!best || p.length > best.length))
          best = { service: rule.service, length: p.length };
      }
    }
    return best?.service ?? urlMap.defaultService;
  };
  const families: [string, AnyRoute[]][] = [
    ['identity', identityRoutes],
    ['projects', projectsRoutes],
    ['context', contextRoutes],
    ['repositories', repositoriesRoutes],
    ['git-webhooks', webhookRoutes],
  ];

  it.each(families)('sends every %s route to its function', (name, routes) => {
    for (const route of routes) {
      const concrete = route.path.replace(/\{\w+\}/g, 'x1');
      expect(serviceFor(concrete), `${route.method} ${route.path}`).toBe(`devctx-${name}`);
    }
  });

  it('routes only to functions that exist and are public', () => {
    const publicOnes = file.functions.filter((f) => f.public).map((f) => `devctx-${f.name}`);
    for (const rule of rules) expect(publicOnes).toContain(rule.service);
    expect(publicOnes).toContain(urlMap.defaultService);
    expect(existsSync(path.join(root, 'infra', 'scripts', 'deploy-functions.ts'))).toBe(true);
  });
});
