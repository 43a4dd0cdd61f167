import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { leftoverPlaceholders } from '../deploy/inputs.ts';
import { fakeBundles, simInputs } from './support.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const pipeline = parse(readFileSync(path.join(root, 'cloudbuild.yaml'), 'utf8')) as {
  steps: {
    id: string;
    name: string;
    entrypoint?: string;
    args: string[];
    env?: string[];
    waitFor?: string[];
  }[];
  images: string[];
  substitutions: Record<string, string>;
  serviceAccount: string;
  options: Record<string, string>;
};
const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;
const text = (step: (typeof pipeline.steps)[number]) =>
  [step.entrypoint ?? '', ...step.args].join(' ');
const step = (id: string) => {
  const found = pipeline.steps.find((s) => s.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
};
/** What Cloud Build sets itself, for `gcloud builds submit` as for triggers. */
const BUILT_IN = {
  PROJECT_ID: simInputs.projectId,
  PROJECT_NUMBER: simInputs.projectNumber,
  BUILD_ID: 'b42',
};

/** The step's text with its substitutions made, as Cloud Build would. */
const substituted = (value: string, domain = simInputs.domain) =>
  value.replace(/\$\{(_?[A-Z_]+)\}/g, (whole, name: string) => {
    if (name === '_DOMAIN') return domain;
    if (name in pipeline.substitutions) return pipeline.substitutions[name] as string;
    return BUILT_IN[name as keyof typeof BUILT_IN] ?? whole;
  });

describe('cloudbuild.yaml', () => {
  it('has the stages in order: checks, tests, build, images, then one deploy', () => {
    const ids = pipeline.steps.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining(['install', 'lint', 'typecheck', 'test', 'build', 'images', 'deploy']),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of pipeline.steps)
      for (const dependency of s.waitFor ?? [])
        if (dependency !== '-')
          expect(ids.slice(0, ids.indexOf(s.id)), `${s.id} waits for ${dependency}`).toContain(
            dependency,
          );
    expect(step('deploy').waitFor).toEqual(expect.arrayContaining(['build', 'images']));
  });

  it('calls only npm scripts, files and Dockerfile targets that exist', () => {
    for (const s of pipeline.steps) {
      const all = text(s);
      for (const [, script] of all.matchAll(/(?:^|\s)npm run (\S+)/g))
        expect(scripts, s.id).toHaveProperty(script as string);
      if (s.entrypoint === 'npm' && s.args[0] === 'run')
        expect(scripts, s.id).toHaveProperty(s.args[1] as string);
      for (const [, file] of all.matchAll(/node\S*\s+(\S+\.ts)/g))
        expect(existsSync(path.join(root, file as string)), `${s.id}: ${file}`).toBe(true);
      for (const [, target] of all.matchAll(/--target (\S+)/g))
        expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), s.id).toMatch(
          new RegExp(`^FROM \\S+ AS ${target}$`, 'm'),
        );
    }
  });

  it('uses only substitutions that are set, none defined by another, and no SHORT_SHA', () => {
    for (const [name, value] of Object.entries(pipeline.substitutions)) {
      expect(name, name).toMatch(/^_[A-Z_]+$/);
      expect(value, name).not.toContain('$'); // would need dynamicSubstitutions
    }
    const everything = JSON.stringify(pipeline);
    for (const [, name] of everything.matchAll(/\$\{(\w+)\}/g))
      expect([...Object.keys(pipeline.substitutions), ...Object.keys(BUILT_IN)], name).toContain(
        name,
      );
    expect(everything).not.toMatch(/SHORT_SHA|COMMIT_SHA/);
    // Shell variables are escaped ($$) so Cloud Build does not take them for substitutions.
    for (const s of pipeline.steps) expect(text(s), s.id).not.toMatch(/(?<!\$)\$[a-z]/);
  });

  it('runs the browser tests with Chromium installed, against a real PostgreSQL', () => {
    const test = step('test');
    expect(test.waitFor).toContain('postgres-ready');
    expect(text(test)).toMatch(/apt-get install .*chromium/);
    expect(test.env).toContain('CHROMIUM_PATH=/usr/bin/chromium');
    expect(test.env).toContain('DATABASE_URL=postgres://postgres@pg:5432/postgres');
  });

  it('runs as the deployer the bootstrap makes, with its logs in Cloud Logging', () => {
    expect(substituted(pipeline.serviceAccount)).toBe(
      'projects/devctx-sim/serviceAccounts/devctx-deployer@devctx-sim.iam.gserviceaccount.com',
    );
    expect(pipeline.options.logging).toBe('CLOUD_LOGGING_ONLY');
  });

  it('its deploy step, run as Cloud Build would (dry run), prints a complete plan', () => {
    const script = (domain?: string) =>
      substituted(step('deploy').args.at(-1) as string, domain)
        .replace('node_modules/node/bin/node', process.execPath)
        .replace('set -euo pipefail', '')
        .trim()
        .replace(/\\\n\s*/g, ' ');
    const bundles = fakeBundles();
    const printed = execFileSync('bash', ['-c', `${script()} --bundles=${bundles} --dry-run`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, METADATA_SERVER_DETECTION: 'none' },
    });
    expect(printed).toContain('gcloud run jobs execute devctx-migrate');
    expect(printed).toContain('gcloud functions deploy worker');
    expect(printed).toContain('kubectl apply -f -');
    expect(printed).toContain('Smoke test: https://api.devctx.example, https://gke.devctx.example');
    expect(printed).toContain('europe-west1-docker.pkg.dev/devctx-sim/devctx/migrate:b42');
    expect(leftoverPlaceholders(printed)).toEqual([]);
    // Without a domain, it stops at once, naming what is missing.
    expect(() =>
      execFileSync('bash', ['-c', `${script('')} --dry-run`], { cwd: root, stdio: 'pipe' }),
    ).toThrow(/domain: a DNS domain/);
  });
});
