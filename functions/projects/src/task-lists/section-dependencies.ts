import { MAX_DEPENDENCIES_PER_TASK } from '../dependencies/queries.ts';
import type { ParsedTaskList } from './markdown.ts';

/** Task dependencies one markdown import may make, whatever its sections say. */
export const MAX_IMPORTED_DEPENDENCIES = 20_000;

export interface SectionDependencies {
  /** [task, the task it waits for], by parsed task key. */
  edges: [number, number][];
  /** Section dependencies left out because they would close a cycle. */
  cyclic: string[];
  /** Task dependencies left out to stay within the limits. */
  overLimit: number;
}

/**
 * A section's Dependencies line makes each of its top-level tasks wait for each top-level
 * task of the named section. Linear in what the markdown says, however it is shaped: the
 * sections' graph is walked once (depth first, iteratively) and a dependency that points
 * back into the walk's own path — one that would close a cycle — is left out; then no task
 * gets more than MAX_DEPENDENCIES_PER_TASK, and the import no more than
 * MAX_IMPORTED_DEPENDENCIES.
 */
export function resolveSectionDependencies(parsed: ParsedTaskList): SectionDependencies {
  // Resolved by number: the last section with that number wins.
  const byNumber = new Map(
    parsed.sections.filter((s) => s.number).map((s) => [s.number as string, s.key]),
  );
  const wanted = parsed.sections.map((s) => [
    ...new Set(s.dependsOn.map((n) => byNumber.get(n)).filter((k) => k !== undefined)),
  ]);
  const { kept, cyclic } = withoutCycles(wanted);
  const names = (key: number) =>
    parsed.sections[key]?.number ?? parsed.sections[key]?.title ?? String(key);

  const topLevel = new Map<number, number[]>();
  for (const task of parsed.tasks) {
    if (task.sectionKey === null || task.parentKey !== null) continue;
    topLevel.set(task.sectionKey, [...(topLevel.get(task.sectionKey) ?? []), task.key]);
  }
  const edges: [number, number][] = [];
  let overLimit = 0;
  for (const [section, targets] of kept.entries()) {
    for (const task of topLevel.get(section) ?? []) {
      let made = 0;
      for (const target of targets) {
        for (const dependency of topLevel.get(target) ?? []) {
          if (made < MAX_DEPENDENCIES_PER_TASK && edges.length < MAX_IMPORTED_DEPENDENCIES) {
            edges.push([task, dependency]);
            made++;
          } else overLimit++;
        }
      }
    }
  }
  return {
    edges,
    cyclic: cyclic.map(([from, to]) => `${names(from)} -> ${names(to)}`),
    overLimit,
  };
}

/**
 * The graph without the edges that close a cycle: an iterative depth-first walk in the
 * sections' order keeps every edge except those to a section still on the walk's path.
 */
function withoutCycles(wanted: number[][]): { kept: number[][]; cyclic: [number, number][] } {
  const kept = wanted.map(() => [] as number[]);
  const cyclic: [number, number][] = [];
  const state = wanted.map(() => 'new' as 'new' | 'open' | 'done');
  for (const [root] of wanted.entries()) {
    if (state[root] !== 'new') continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 'open';
    while (stack.length > 0) {
      const top = stack.at(-1) as { node: number; next: number };
      const target = wanted[top.node]?.[top.next++];
      if (target === undefined) {
        state[top.node] = 'done';
        stack.pop();
      } else if (state[target] === 'open') {
        cyclic.push([top.node, target]);
      } else {
        kept[top.node]?.push(target);
        if (state[target] === 'new') {
          state[target] = 'open';
          stack.push({ node: target, next: 0 });
        }
      }
    }
  }
  return { kept, cyclic };
}
