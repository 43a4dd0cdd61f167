import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseTaskListMarkdown,
  renderTaskListMarkdown,
  sectionNumber,
} from '../src/task-lists/markdown.ts';

const sample = `# Roadmap

| Phase | Progress |
|-------|----------|
| 1     | 40% ✅    |

## Phase 1: Infrastructure & Core Backend (Weeks 3-6)
### Week 3: Infrastructure Setup (20 tasks)
#### 3.1 Accounts
- [x] Create the GCP project
#### 3.2 Terraform Infrastructure-as-Code
**Dependencies**: 3.1
- [ ] Create Terraform project structure (infrastructure/)
- [x] Design complete database schema
  - [X] nested item
    - [ ] deeper still
- [ ] 🔄 Status emoji are just text
Some prose explaining the section.
- [] malformed: no space in the box
- [y] malformed: not x
##
`;

describe('parsing checkbox task lists', () => {
  const parsed = parseTaskListMarkdown(sample);

  it('turns headings into sections with their numbers and levels', () => {
    expect(parsed.sections.map((s) => [s.level, s.number, s.title])).toEqual([
      [1, null, 'Roadmap'],
      [2, '1', 'Phase 1: Infrastructure & Core Backend (Weeks 3-6)'],
      [3, '3', 'Week 3: Infrastructure Setup (20 tasks)'],
      [4, '3.1', '3.1 Accounts'],
      [4, '3.2', '3.2 Terraform Infrastructure-as-Code'],
    ]);
    expect(parsed.sections[4]?.dependsOn).toEqual(['3.1']);
  });

  it('turns checkbox lines into tasks, checked for x or X, nesting kept', () => {
    expect(parsed.tasks.map((t) => [t.title, t.checked, t.parentKey, t.sectionKey])).toEqual([
      ['Create the GCP project', true, null, 3],
      ['Create Terraform project structure (infrastructure/)', false, null, 4],
      ['Design complete database schema', true, null, 4],
      ['nested item', true, 2, 4],
      ['deeper still', false, 3, 4],
      ['🔄 Status emoji are just text', false, null, 4],
    ]);
  });

  it('reports the lines it could not read, and tolerates tables and prose', () => {
    expect(parsed.skipped.map((s) => s.line)).toEqual([19, 20, 21]);
    expect(parsed.skipped[0]?.reason).toMatch(/looks like a task/);
    expect(parsed.skipped[2]?.reason).toBe('heading without a title');
    expect(parsed.unresolvedDependencies).toEqual([]);
  });

  it('names dependencies on sections that do not exist', () => {
    const result = parseTaskListMarkdown('## 1 A\n**Dependencies**: 9.9, 1\n- [ ] a\n');
    expect(result.unresolvedDependencies).toEqual(['9.9']);
  });

  it('finds section numbers in the forms real files use', () => {
    expect(sectionNumber('3.2 Terraform')).toBe('3.2');
    expect(sectionNumber('Phase 2: Search')).toBe('2');
    expect(sectionNumber('✅ 4.1. Done things')).toBe('4.1');
    expect(sectionNumber('Overview')).toBeNull();
  });

  it('ignores checkboxes inside code fences', () => {
    expect(
      parseTaskListMarkdown('```\n- [ ] not a task\n```\n- [ ] a task\n').tasks.map((t) => t.title),
    ).toEqual(['a task']);
  });
});

describe('round trip', () => {
  const toRender = (parsed: ReturnType<typeof parseTaskListMarkdown>) => ({
    sections: parsed.sections.map((s) => ({
      id: String(s.key),
      title: s.title,
      level: s.level,
      dependsOn: s.dependsOn,
    })),
    tasks: parsed.tasks.map((t) => ({
      id: String(t.key),
      sectionId: t.sectionKey === null ? null : String(t.sectionKey),
      parentId: t.parentKey === null ? null : String(t.parentKey),
      title: t.title,
      checked: t.checked,
    })),
  });
  const shape = (parsed: ReturnType<typeof parseTaskListMarkdown>) => ({
    sections: parsed.sections.map((s) => [s.level, s.title, s.number, s.dependsOn]),
    tasks: parsed.tasks.map((t) => [t.title, t.checked, t.parentKey, t.sectionKey]),
  });

  it('import -> export -> import gives the same tasks for the sample', () => {
    const first = parseTaskListMarkdown(sample);
    const { sections, tasks } = toRender(first);
    const again = parseTaskListMarkdown(renderTaskListMarkdown('Roadmap', sections, tasks));
    expect(shape(again)).toEqual(shape(first));
    expect(again.skipped).toEqual([]);
  });

  // Titles as people write them: any printable text, trimmed, not ending in a closing ' #'.
  const title = fc
    .string({
      unit: fc.constantFrom(...'abcXYZ 019.:-_()[]*#✅🔄ü漢/'.split('')),
      minLength: 1,
      maxLength: 30,
    })
    .map((s) => s.replace(/(\s*#)+\s*$/, '').trim())
    .filter((s) => s.length > 0);
  const taskTree = (
    depth: number,
  ): fc.Arbitrary<{ title: string; checked: boolean; children: unknown[] }[]> =>
    fc.array(
      fc.record({
        title,
        checked: fc.boolean(),
        children: depth > 0 ? fc.constant([]).chain(() => taskTree(depth - 1)) : fc.constant([]),
      }),
      { maxLength: 4 },
    );
  const list = fc.record({
    loose: taskTree(2),
    sections: fc.array(
      fc.record({ title, level: fc.integer({ min: 1, max: 6 }), tasks: taskTree(2) }),
      { maxLength: 5 },
    ),
  });

  it('random task lists survive export -> import', () => {
    fc.assert(
      fc.property(list, (generated) => {
        const sections: { id: string; title: string; level: number; dependsOn: string[] }[] = [];
        const tasks: {
          id: string;
          sectionId: string | null;
          parentId: string | null;
          title: string;
          checked: boolean;
        }[] = [];
        type Node = { title: string; checked: boolean; children: unknown[] };
        const add = (nodes: Node[], sectionId: string | null, parentId: string | null) => {
          for (const node of nodes) {
            const id = String(tasks.length);
            tasks.push({ id, sectionId, parentId, title: node.title, checked: node.checked });
            add(node.children as Node[], sectionId, id);
          }
        };
        add(generated.loose, null, null);
        generated.sections.forEach((section, i) => {
          sections.push({ id: `s${i}`, title: section.title, level: section.level, dependsOn: [] });
          add(section.tasks, `s${i}`, null);
        });
        const parsed = parseTaskListMarkdown(renderTaskListMarkdown('Generated', sections, tasks));
        expect(parsed.skipped).toEqual([]);
        expect(parsed.sections.map((s) => [s.title, s.level])).toEqual(
          sections.map((s) => [s.title, s.level]),
        );
        expect(parsed.tasks.map((t) => [t.title, t.checked])).toEqual(
          tasks.map((t) => [t.title, t.checked]),
        );
        expect(
          parsed.tasks.map((t) => (t.parentKey === null ? null : String(t.parentKey))),
        ).toEqual(tasks.map((t) => t.parentId));
        expect(
          parsed.tasks.map((t) => (t.sectionKey === null ? null : `s${t.sectionKey}`)),
        ).toEqual(tasks.map((t) => t.sectionId));
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 300) },
    );
  });
});
