import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileRoutePath } from '@devctx/shared';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/api/src/routes.ts';

// Any regular expression in the product may meet a tenant's text, and one that backtracks
// freezes the whole process for every tenant (a 64 KB markdown heading once took 7 s). So
// every pattern must match in linear time: recheck (automaton analysis plus fuzzing) proves
// it, or names the attack string. A pattern that cannot be made linear is not allowed;
// parse with string operations instead.
const root = path.resolve(import.meta.dirname, '..', '..');

/** Every regular-expression literal in the product's own source (not tests). */
function patternsInSource(): { where: string; source: string; flags: string }[] {
  const files = execFileSync(
    'git',
    [
      'ls-files',
      'functions/*/src/**',
      'functions/*/src/*',
      'shared/src/**',
      'client/src/**',
      'web/src/**',
    ],
    { cwd: root, encoding: 'utf8' },
  )
    .split('\n')
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('client/src/schema.ts'));
  const found: { where: string; source: string; flags: string }[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const parsed = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node) => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const literal = (node as ts.RegularExpressionLiteral).text;
        const end = literal.lastIndexOf('/');
        const line = parsed.getLineAndCharacterOfPosition(node.getStart()).line + 1;
        found.push({
          where: `${file}:${line}`,
          source: literal.slice(1, end),
          flags: literal.slice(end + 1),
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(parsed);
  }
  return found;
}

const nonLinear = (patterns: { where: string; source: string; flags: string }[]) =>
  patterns.flatMap(({ where, source, flags }) => {
    const result = checkSync(source, flags, { timeout: 10_000 });
    if (result.status === 'safe') return [];
    const attack =
      result.status === 'vulnerable'
        ? `, e.g. ${JSON.stringify(result.attack.string).slice(0, 80)}`
        : '';
    return [`${where} /${source}/${flags}: ${result.status}${attack}`];
  });

describe('regular expressions', () => {
  it('every pattern in the source matches in linear time', { timeout: 120_000 }, () => {
    const patterns = patternsInSource();
    expect(patterns.length).toBeGreaterThan(40);
    expect(nonLinear(patterns)).toEqual([]);
  });

  it('so does the router’s pattern of every route', { timeout: 60_000 }, () => {
    const patterns = apiRoutes.map((route) => {
      const compiled = compileRoutePath(route.path);
      return {
        where: `${route.method} ${route.path}`,
        source: compiled.source,
        flags: compiled.flags,
      };
    });
    expect(nonLinear(patterns)).toEqual([]);
  });

  it('would catch the backtracking heading pattern of the markdown parser', () => {
    const before = [
      {
        where: 'markdown.ts (before)',
        source: String.raw`^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$`,
        flags: '',
      },
    ];
    expect(nonLinear(before)).toEqual([expect.stringContaining('vulnerable')]);
  });
});
