import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configSchema, defineFamily, defineRoute, loadConfig } from '@devctx/shared';
import { describe, expect, it } from 'vitest';
import { families, functionNames } from '../../functions/families.ts';
import { deployCommands, deployHash, readFunctionsFile } from '../deploy/functions.ts';
import { pathRules, renderUrlMap, serviceFor } from '../deploy/load-balancer.ts';
import { render, simInputs } from './support.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const file = readFunctionsFile();
const functions = render().functions;
const byName = new Map(functions.map((f) => [f.name, f]));

describe('function definitions (infra/functions/functions.yaml)', () => {
  it('deploy exactly the function targets that exist in code', () => {
    expect(file.functions.map((f) => f.name)).toEqual(functionNames);
    for (const name of functionNames) {
      const entry = readFileSync(path.join(root, 'functions', name, 'src', 'index.ts'), 'utf8');
      expect(entry, name).toMatch(
        new RegExp(
          `await registerFunction\\(\\{\\s*name: '${name}'|await registerFamily\\(\\w+Family\\)`,
        ),
      );
    }
    for (const family of families) {
      const own = readFileSync(
        path.join(root, 'functions', family.name, 'src', 'family.ts'),
        'utf8',
      );
      expect(own, family.name).toContain(`name: '${family.name}'`);
    }
  });

  it('give a function the file does not name the defaults, and refuse settings for no function', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-functions-yaml-'));
    const write = async (functions: string) => {
      const yaml = `database: {maxConnections: 10, reserved: 1}\ngke: {maxReplicas: 1, poolMax: 1}\ndefaults: {public: true, poolMax: 3, memory: 256Mi, env: {LOG_LEVEL: info}}\nfunctions: ${functions}\n`;
      await writeFile(path.join(dir, 'f.yaml'), yaml);
      return path.join(dir, 'f.yaml');
    };
    const read = readFunctionsFile(await write('{worker: {public: false}}'));
    const projects = read.functions.find((f) => f.name === 'projects');
    expect(projects).toMatchObject({ public: true, memory: '256Mi', poolMax: 3 });
    expect(projects?.env).toEqual({ LOG_LEVEL: 'info', DATABASE_POOL_MAX: '3' });
    expect(read.functions.find((f) => f.name === 'worker')?.public).toBe(false);
    const typo = await write('{notes: {memory: 1Gi}}');
    expect(() => readFunctionsFile(typo)).toThrow('names no such function: notes');
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
    // What the code reads, and what Node itself reads before it.
    const known = new Set([...Object.keys(configSchema.shape), 'NODE_OPTIONS']);
    for (const f of functions) {
      for (const name of Object.keys(f.env)) expect(known, `${f.name}: ${name}`).toContain(name);
      for (const secret of ['DATABASE_PASSWORD', 'ENCRYPTION_KEY', 'INTERNAL_SHARED_SECRET']) {
        expect(f.env, `${f.name}: ${secret}`).not.toHaveProperty(secret);
      }
      // The URL names the role and the socket, never a password.
      expect(f.env.DATABASE_URL, f.name).toMatch(
        /^postgres:\/\/devctx_app@\/devctx\?host=\/cloudsql\//,
      );
      expect(f.secrets, f.name).toEqual(['DATABASE_PASSWORD=devctx-database-password:latest']);
      expect(f.concurrency, f.name).toBeGreaterThan(1);
      expect(f.cpu, f.name).toBeGreaterThanOrEqual(1);
    }
  });

  it('load into the configuration the code accepts, each as deployed', () => {
    for (const f of functions) {
      const config = loadConfig({ ...f.env, DATABASE_PASSWORD: 'from-its-secret' });
      expect(config.NODE_ENV, f.name).toBe('production');
    }
  });

  it('turn into gcloud deploys: gen2, nodejs24, private functions behind IAM, a build identity, the deploy hash recorded last', () => {
    const [deploy, attach] = deployCommands(byName.get('worker') as never, simInputs, 'abc');
    expect(deploy).toEqual(
      expect.arrayContaining([
        '--gen2',
        '--runtime=nodejs24',
        '--source=dist/functions/worker',
        '--entry-point=worker',
        '--no-allow-unauthenticated',
        '--ingress-settings=all',
        '--service-account=devctx-worker@devctx-sim.iam.gserviceaccount.com',
        '--build-service-account=projects/devctx-sim/serviceAccounts/devctx-functions-build@devctx-sim.iam.gserviceaccount.com',
        '--set-secrets=DATABASE_PASSWORD=devctx-database-password:latest',
      ]),
    );
    expect(deploy?.find((a) => a.startsWith('--set-env-vars='))).toContain('DATABASE_POOL_MAX=5');
    expect(attach).toEqual(
      expect.arrayContaining([
        '--add-cloudsql-instances=devctx-sim:europe-west1:devctx',
        '--update-labels=devctx-deploy-hash=abc',
      ]),
    );
    const [identity] = deployCommands(byName.get('identity') as never, simInputs, 'h');
    expect(identity).toContain('--ingress-settings=internal-and-gclb');
    expect(identity).toContain('--allow-unauthenticated');
  });

  it('deploy again when the bundle, an asset or a setting changed, and only then', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-bundle-'));
    await writeFile(path.join(dir, 'index.js'), 'export {}');
    await writeFile(path.join(dir, 'package.json'), '{}');
    const spec = byName.get('api') as (typeof functions)[number];
    const before = deployHash(spec, simInputs, dir);
    expect(deployHash(spec, simInputs, dir)).toBe(before);
    const withEnv = { ...spec, env: { ...spec.env, LOG_LEVEL: 'debug' } };
    expect(deployHash(withEnv, simInputs, dir)).not.toBe(before);
    expect(deployHash({ ...spec, memory: '2Gi' }, simInputs, dir)).not.toBe(before);
    await mkdir(path.join(dir, 'web', 'assets'), { recursive: true });
    await writeFile(path.join(dir, 'web', 'assets', 'index-1.css'), 'a{}');
    expect(deployHash(spec, simInputs, dir)).not.toBe(before);
  });
});

describe('load balancer routing (infra/deploy/load-balancer.ts)', () => {
  const urlMap = renderUrlMap(families, 'api.example.com');

  it.each(families.map((f) => [f.name, f] as const))(
    'sends every %s route to its function',
    (name, family) => {
      for (const route of family.routes) {
        const concrete = route.path.replace(/\{\w+\}/g, 'x1');
        expect(serviceFor(urlMap, concrete), `${route.method} ${route.path}`).toBe(
          `devctx-${name}`,
        );
      }
    },
  );

  it('sends health, the reference and the dashboard to the api function', () => {
    for (const p of ['/health', '/ready', '/docs', '/openapi.json', '/', '/assets/index-a1.js'])
      expect(serviceFor(urlMap, p), p).toBe('devctx-api');
    expect(urlMap.hostRules[0]?.hosts).toEqual(['api.example.com']);
  });

  it('routes only to functions that exist and are public', () => {
    const publicOnes = functions.filter((f) => f.public).map((f) => `devctx-${f.name}`);
    for (const rule of urlMap.pathMatchers[0]?.pathRules ?? [])
      expect(publicOnes).toContain(rule.service);
    expect(publicOnes).toContain(urlMap.defaultService);
  });

  it('routes a new family without any edit, and refuses two families on one path', () => {
    const route = (path: string) =>
      defineRoute({
        method: 'GET',
        path,
        summary: '',
        permission: null,
        responses: {},
        handler: async () => ({}),
      });
    const notes = defineFamily({
      name: 'notes',
      routes: [route('/v1/notes'), route('/v1/notes/{id}')],
      jobs: [],
    });
    const map = renderUrlMap([...families, notes], 'h');
    expect(serviceFor(map, '/v1/notes')).toBe('devctx-notes');
    expect(serviceFor(map, '/v1/notes/1')).toBe('devctx-notes');
    expect(serviceFor(map, '/v1/projects')).toBe('devctx-projects');
    const clash = defineFamily({ name: 'clash', routes: [route('/v1/projects/{id}')], jobs: [] });
    expect(() => pathRules([...families, clash])).toThrow('shares its path');
  });
});
