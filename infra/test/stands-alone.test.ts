import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A user's clone has nothing beside it: no tracked file may name a path outside the
// repository (the product owner's reference folder next to our own checkouts included).
const root = path.resolve(import.meta.dirname, '..', '..');

/** Tracked text files, except data whose contents are quoted user text (fixtures, locks). */
function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
  return listed
    .split('\0')
    .filter(Boolean)
    .filter((file) => !/(^|\/)fixtures\/|package-lock\.json$|\.(png|ico|woff2?)$/.test(file));
}

const outside = (from: string, target: string) => {
  const resolved = path.resolve(root, from, target);
  return resolved !== root && !resolved.startsWith(`${root}${path.sep}`);
};

/** Every relative path a file names, each with the folder it is relative to. */
export function pathsNamedIn(file: string, text: string): { line: number; target: string }[] {
  const dir = path.dirname(file);
  const found: { line: number; target: string }[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    // '../x' in imports, links, configs and strings.
    for (const m of line.matchAll(/(?<![\w.])((?:\.\.\/)+)[\w@.-]*/g)) {
      found.push({ line: i + 1, target: path.join(dir, m[0]) });
    }
    // path.resolve(import.meta.dirname, '..', '..', 'x') and path.join(...) alike.
    for (const m of line.matchAll(
      /(?:resolve|join)\(\s*import\.meta\.dirname\s*((?:,\s*'[^']*'\s*)+)/g,
    )) {
      const parts = [...(m[1] as string).matchAll(/'([^']*)'/g)].map((p) => p[1] as string);
      found.push({ line: i + 1, target: path.join(dir, ...parts) });
    }
    // new URL('../x', import.meta.url)
    for (const m of line.matchAll(/new URL\(\s*'([^']+)'\s*,\s*import\.meta\.url\s*\)/g)) {
      found.push({ line: i + 1, target: path.join(dir, m[1] as string) });
    }
  });
  return found;
}

describe('the repository stands alone', () => {
  it('names no path outside itself in any tracked file', () => {
    const problems: string[] = [];
    for (const file of trackedTextFiles()) {
      const text = readFileSync(path.join(root, file), 'utf8');
      for (const { line, target } of pathsNamedIn(file, text)) {
        if (outside('.', target)) problems.push(`${file}:${line} names ${target}`);
      }
      for (const [i, line] of text.split('\n').entries()) {
        if (/\/work\/(main|shared)\b/.test(line))
          problems.push(`${file}:${i + 1} names a folder of the build machine`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('catches the ways a path can leave it', () => {
    // Built at run time, so this file does not itself name a path outside.
    const up = (n: number) => '../'.repeat(n);
    const dots = (n: number) => Array(n).fill("'..'").join(', ');
    const named = (text: string) =>
      pathsNamedIn('functions/context/test/a.test.ts', text).filter((p) => outside('.', p.target));
    expect(named(`const f = '${up(4)}elsewhere/fixtures';`)).not.toEqual([]);
    expect(named(`path.resolve(import.meta.dirname, ${dots(4)}, 'x')`)).not.toEqual([]);
    expect(named(`new URL('${up(4)}x/', import.meta.url)`)).not.toEqual([]);
    expect(named(`[the design](${up(4)}x/DESIGN.md)`)).not.toEqual([]);
    expect(named("import { a } from '../src/a.ts';")).toEqual([]);
    expect(named(`path.resolve(import.meta.dirname, ${dots(3)})`)).toEqual([]);
  });
});
