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

// A closing run of #s (CommonMark) needs a space before it: "C#" stays "C#".
const HEADING = /^(#{1,6})\s+(.+?)(?:\s+#+)?\s*$/;
const EMPTY_HEADING = /^#{1,6}\s*$/;
const CHECKBOX = /^(\s*)[-*+]\s+\[([ xX])\]\s+(\S.*?)\s*$/;
// A bracket right after a list marker, that is not a link: a checkbox someone mistyped.
const CHECKBOX_LIKE = /^\s*[-*+]?\s*\[[^\]]{0,10}\](?!\()/;
const DEPENDENCIES =
  /^\s*(?:\*\*|__)?(?:dependencies|depends on)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$/i;
const LEADING_NUMBER = /^(\d+(?:\.\d+)*)\.?\s+/;
const NAMED_NUMBER = /^(?:phase|week|step|stage|part|milestone|sprint)\s+(\d+(?:\.\d+)*)\b/i;

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

  markdown.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\t/g, '  ');
    const lineNumber = index + 1;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      return;
    }
    if (inFence || line.trim() === '') return;

    const heading = HEADING.exec(line);
    if (heading?.[1] && heading[2]) {
      const title = heading[2].trim();
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
      const numbers = (dependencies[1] ?? '').match(/\d+(?:\.\d+)*/g) ?? [];
      if (!current)
        skipped.push({ line: lineNumber, text: raw, reason: 'dependencies before any section' });
      else if (numbers.length === 0 && !/^\s*(none|-|n\/a)?\s*$/i.test(dependencies[1] ?? '')) {
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
      const key = tasks.length;
      tasks.push({
        key,
        sectionKey: sections.at(-1)?.key ?? null,
        parentKey: stack.at(-1)?.key ?? null,
        title: (checkbox[3] ?? '').trim(),
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
      lines.push(
        `${'  '.repeat(depth)}- [${task.checked ? 'x' : ' '}] ${task.title.replace(/\s*\n\s*/g, ' ')}`,
      );
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
