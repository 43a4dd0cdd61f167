/**
 * Checkbox task lists in markdown, as teams write them, and back. Pure: no I/O.
 *
 *   ## Phase 1: Infrastructure & Core Backend (Weeks 3-6)
 *   #### 3.2 Terraform Infrastructure-as-Code
 *   **Dependencies**: 3.1
 *   - [ ] Create Terraform project structure
 *     - [X] nested item
 *
 * Headings become sections (keeping their number, e.g. 3.2, or the N of "Phase N:"),
 * checkbox lines become tasks (x or X is checked; indentation is nesting), and a
 * Dependencies line makes the section's tasks depend on the named sections' tasks.
 * Prose, tables and status emoji are tolerated; lines that look like a task or heading
 * but cannot be read are reported, never silently dropped.
 */

import { MAX_TASK_DEPTH } from '../tasks/tree.ts';

export interface ParsedSection {
  key: number;
  number: string | null;
  title: string;
  level: number;
  /** Numbers of the sections this one depends on, as written. */
  dependsOn: string[];
}

export interface ParsedTask {
  key: number;
  sectionKey: number | null;
  parentKey: number | null;
  title: string;
  checked: boolean;
}

export interface SkippedLine {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedTaskList {
  sections: ParsedSection[];
  tasks: ParsedTask[];
  skipped: SkippedLine[];
  /** Dependencies naming a section number that does not exist. */
  unresolvedDependencies: string[];
}

// Every pattern here runs on a tenant's text, so each is linear: lines are trimmed at the
// end before matching (no `\s*$` after a lazy or overlapping quantifier), adjacent
// quantifiers never match the same characters, and a line longer than any title could be
// is reported instead of parsed. infra/test/linear-patterns.test.ts checks every pattern.
const MAX_LINE = 2_000;
const HEADING = /^(#{1,6})[ \t]+(\S.*)$/;
const EMPTY_HEADING = /^#{1,6}$/;
const CHECKBOX = /^([ \t]*)[-*+][ \t]+\[([ xX])\][ \t]+(\S.*)$/;
// A bracket right after a list marker, that is not a link: a checkbox someone mistyped.
const CHECKBOX_LIKE = /^[ \t]*(?:[-*+][ \t]*)?\[[^\]]{0,10}\](?!\()/;
const DEPENDENCIES = /^[ \t]*(?:\*\*|__)?(?:dependencies|depends on)(?:\*\*|__)?[ \t]*:(.*)$/i;
const EMPHASIS = /^(?:\*\*|__)/;
const NO_DEPENDENCIES = /^(?:none|-|n\/a)?$/i;
const LEADING_NUMBER = /^(\d+(?:\.\d+)*)\.?\s/;
const NAMED_NUMBER = /^(?:phase|week|step|stage|part|milestone|sprint)\s+(\d+(?:\.\d+)*)\b/i;

/**
 * A heading's title without its closing run of #s, which CommonMark recognises only after
 * a blank: "C#" stays "C#".
 */
function withoutClosingHashes(title: string): string {
  let end = title.length;
  while (end > 0 && title[end - 1] === '#') end--;
  const before = title.slice(0, end);
  const kept = before.trimEnd();
  return end === title.length || kept === before || kept === '' ? title : kept;
}

export function sectionNumber(title: string): string | null {
  const plain = title.replace(/^[^\p{L}\p{N}]+/u, ''); // leading emoji and markup
  return LEADING_NUMBER.exec(plain)?.[1] ?? NAMED_NUMBER.exec(plain)?.[1] ?? null;
}

export function parseTaskListMarkdown(markdown: string): ParsedTaskList {
  const sections: ParsedSection[] = [];
  const tasks: ParsedTask[] = [];
  const skipped: SkippedLine[] = [];
  // Open tasks by indentation, to find each task's parent.
  let stack: { indent: number; key: number }[] = [];
  let inFence = false;

  markdown.split('\n').forEach((text, index) => {
    const raw = text.endsWith('\r') ? text.slice(0, -1) : text;
    const line = raw.replaceAll('\t', '  ').trimEnd();
    const lineNumber = index + 1;
    if (line.length > MAX_LINE) {
      skipped.push({
        line: lineNumber,
        text: `${raw.slice(0, 200)}…`,
        reason: `longer than ${MAX_LINE} characters`,
      });
      return;
    }
    const start = line.trimStart();
    if (start.startsWith('```') || start.startsWith('~~~')) {
      inFence = !inFence;
      return;
    }
    if (inFence || start === '') return;

    const heading = HEADING.exec(line);
    if (heading?.[1] && heading[2]) {
      const title = withoutClosingHashes(heading[2]);
      sections.push({
        key: sections.length,
        number: sectionNumber(title),
        title,
        level: heading[1].length,
        dependsOn: [],
      });
      stack = [];
      return;
    }
    if (EMPTY_HEADING.test(line)) {
      skipped.push({ line: lineNumber, text: raw, reason: 'heading without a title' });
      return;
    }

    const dependencies = DEPENDENCIES.exec(line);
    if (dependencies) {
      const current = sections.at(-1);
      const listed = (dependencies[1] ?? '').trim().replace(EMPHASIS, '').trim();
      const numbers = listed.match(/\d+(?:\.\d+)*/g) ?? [];
      if (!current)
        skipped.push({ line: lineNumber, text: raw, reason: 'dependencies before any section' });
      else if (numbers.length === 0 && !NO_DEPENDENCIES.test(listed)) {
        skipped.push({
          line: lineNumber,
          text: raw,
          reason: 'no section numbers in the dependencies',
        });
      } else current.dependsOn.push(...numbers.filter((n) => !current.dependsOn.includes(n)));
      return;
    }

    const checkbox = CHECKBOX.exec(line);
    if (checkbox) {
      const indent = checkbox[1]?.length ?? 0;
      while (stack.length > 0 && (stack.at(-1)?.indent ?? 0) >= indent) stack.pop();
      // Deeper than tasks may nest: it stays at the deepest level, beside its parent's last child.
      stack.length = Math.min(stack.length, MAX_TASK_DEPTH - 1);
      const key = tasks.length;
      tasks.push({
        key,
        sectionKey: sections.at(-1)?.key ?? null,
        parentKey: stack.at(-1)?.key ?? null,
        title: checkbox[3] ?? '',
        checked: checkbox[2] !== ' ',
      });
      stack.push({ indent, key });
      return;
    }
    if (CHECKBOX_LIKE.test(line)) {
      skipped.push({
        line: lineNumber,
        text: raw,
        reason: 'looks like a task but is not "- [ ] title" or "- [x] title"',
      });
    }
    // Anything else (prose, tables, status lines) is context, not tasks.
  });

  const known = new Set(sections.map((s) => s.number).filter(Boolean));
  const unresolvedDependencies = [
    ...new Set(sections.flatMap((s) => s.dependsOn).filter((n) => !known.has(n))),
  ];
  return { sections, tasks, skipped, unresolvedDependencies };
}

export interface RenderSection {
  id: string;
  title: string;
  level: number;
  dependsOn: string[];
}

export interface RenderTask {
  id: string;
  sectionId: string | null;
  parentId: string | null;
  title: string;
  checked: boolean;
}

/** A title on one line: each line break and the blanks around it become one space. */
function oneLine(title: string): string {
  const parts = title.split('\n');
  const last = parts.length - 1;
  return parts
    .map((part, i) => (i === 0 ? part : part.trimStart()))
    .map((part, i) => (i === last ? part : part.trimEnd()))
    .join(' ');
}

/**
 * The list as markdown, in the order given: tasks outside any section first, then each
 * section with its Dependencies line and its tasks, nested by parent.
 */
export function renderTaskListMarkdown(
  name: string,
  sections: RenderSection[],
  tasks: RenderTask[],
): string {
  // The name goes in a comment: a heading would come back as a section on re-import.
  const lines: string[] = [`<!-- Task list: ${name.replace(/--/g, '- -')} -->`, ''];
  const children = new Map<string | null, RenderTask[]>();
  for (const task of tasks) {
    const key = task.parentId ?? `section:${task.sectionId ?? ''}`;
    children.set(key, [...(children.get(key) ?? []), task]);
  }
  const emit = (list: RenderTask[] | undefined, depth: number) => {
    for (const task of list ?? []) {
      lines.push(`${'  '.repeat(depth)}- [${task.checked ? 'x' : ' '}] ${oneLine(task.title)}`);
      emit(children.get(task.id), depth + 1);
    }
  };
  const loose = children.get('section:');
  if (loose?.length) {
    emit(loose, 0);
    lines.push('');
  }
  for (const section of sections) {
    lines.push(`${'#'.repeat(section.level)} ${section.title}`);
    if (section.dependsOn.length > 0)
      lines.push(`**Dependencies**: ${section.dependsOn.join(', ')}`);
    emit(children.get(`section:${section.id}`), 0);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
