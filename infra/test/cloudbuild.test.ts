import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..', '..');
const pipeline = parse(readFileSync(path.join(root, 'cloudbuild.yaml'), 'utf8')) as {
  steps: { id: string; name: string; entrypoint?: string; args: string[]; waitFor?: string[] }[];
  images: string[];
  substitutions: Record<string, string>;
};
const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<
  string,
  string
>;
const text = (step: (typeof pipeline.steps)[number]) =>
  [step.entrypoint ?? '', ...step.args].join(' ');

describe('cloudbuild.yaml', () => {
  it('has the stages in order: checks, tests, build, images, migrations, functions, GKE', () => {
    const ids = pipeline.steps.map((s) => s.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'install',
        'lint',
        'typecheck',
        'test',
        'build',
        'images',
        'migrate',
        'deploy-functions',
        'deploy-gke',
      ]),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const step of pipeline.steps) {
      for (const dependency of step.waitFor ?? []) {
        if (dependency !== '-')
          expect(
            ids.slice(0, ids.indexOf(step.id)),
            `${step.id} waits for ${dependency}`,
          ).toContain(dependency);
      }
    }
    const waits = (id: string) => pipeline.steps.find((s) => s.id === id)?.waitFor ?? [];
    expect(waits('deploy-functions')).toEqual(expect.arrayContaining(['build', 'migrate']));
    expect(waits('deploy-gke')).toContain('migrate');
  });

  it('calls only npm scripts, files and Dockerfile targets that exist', () => {
    for (const step of pipeline.steps) {
      const all = text(step);
      for (const [, script] of all.matchAll(/(?:^|\s)npm run (\S+)/g))
        expect(scripts, step.id).toHaveProperty(script as string);
      if (step.entrypoint === 'npm' && step.args[0] === 'run')
        expect(scripts, step.id).toHaveProperty(step.args[1] as string);
      for (const [, file] of all.matchAll(/node\S*\s+(\S+\.ts)/g))
        expect(existsSync(path.join(root, file as string)), `${step.id}: ${file}`).toBe(true);
      for (const [, dir] of all.matchAll(/kubectl kustomize (\S+)/g))
        expect(existsSync(path.join(root, dir as string, 'kustomization.yaml')), step.id).toBe(
          true,
        );
      for (const [, target] of all.matchAll(/--target (\S+)/g)) {
        expect(readFileSync(path.join(root, 'Dockerfile'), 'utf8'), step.id).toMatch(
          new RegExp(`^FROM \\S+ AS ${target}$`, 'm'),
        );
      }
    }
  });

  it('tests against a real PostgreSQL and migrates as the owner through a Cloud Run job', () => {
    const test = pipeline.steps.find((s) => s.id === 'test');
    expect(test?.waitFor).toContain('postgres-ready');
    const migrate = text(pipeline.steps.find((s) => s.id === 'migrate') as never);
    expect(migrate).toContain('gcloud run jobs execute devctx-migrate');
    expect(migrate).toContain('MIGRATION_DATABASE_URL=devctx-migration-database-url');
    // Shell variables are escaped ($$) so Cloud Build does not take them for substitutions.
    for (const step of pipeline.steps) expect(text(step), step.id).not.toMatch(/(?<!\$)\$[a-z]/);
  });
});
