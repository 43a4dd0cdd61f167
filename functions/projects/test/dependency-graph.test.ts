import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startProjects } from './support.ts';

// Graph work is linear in the graph and bounded: the shapes that made the old cycle check
// enumerate every path (a ladder: 2^26 paths through 52 tasks) answer at once.
let h: Awaited<ReturnType<typeof startProjects>>;
let owner: SignedUp;
let projectId: string;
beforeAll(async () => {
  h = await startProjects();
  owner = await signup(h.anonymous, 'graph');
  projectId = (await owner.client.post('/v1/projects', { slug: 'graph', name: 'Graph' })).body.id;
});
afterAll(() => h.close());

async function listWith(markdown: string) {
  const list = await owner.client.post(`/v1/projects/${projectId}/task-lists`, {
    name: 'graph',
    markdown,
  });
  if (list.status !== 201) throw new Error(JSON.stringify(list.body));
  const tasks = await owner.client.get(`/v1/task-lists/${list.body.id}/tasks?limit=200`);
  return { list: list.body, tasks: tasks.body.items as { id: string; title: string }[] };
}

describe('dependency graphs', () => {
  // A hundred requests one after another: 15 s when every package's tests run at once.
  it('refuse the edge that closes a cycle through a 26-layer ladder, naming one path', async () => {
    const layers = 26;
    const markdown = Array.from({ length: layers }, (_, i) => `- [ ] L${i}a\n- [ ] L${i}b`).join(
      '\n',
    );
    const { tasks } = await listWith(markdown);
    const id = (title: string) => tasks.find((t) => t.title === title)?.id as string;
    // Each task of layer i waits for both tasks of layer i + 1.
    for (let i = 0; i < layers - 1; i++) {
      for (const from of ['a', 'b'])
        for (const to of ['a', 'b']) {
          const added = await owner.client.post(`/v1/tasks/${id(`L${i}${from}`)}/dependencies`, {
            dependsOnId: id(`L${i + 1}${to}`),
          });
          expect(added.status).toBe(201);
        }
    }
    const closing = await owner.client.post(`/v1/tasks/${id(`L${layers - 1}a`)}/dependencies`, {
      dependsOnId: id('L0a'),
    });
    expect(closing.status).toBe(409);
    // The path named: the new edge, then one way down the ladder, back to the start.
    expect(closing.body.detail.split(' -> ')).toHaveLength(layers + 1);
    const harmless = await owner.client.post(`/v1/tasks/${id('L0a')}/dependencies`, {
      dependsOnId: id(`L${layers - 1}a`),
    });
    expect(harmless.status).toBe(201);
  }, 60_000);

  // A hundred requests one after another: 17 s when every package's tests run at once.
  it('let a task wait for at most 100 others, and re-adding one it has is no new edge', async () => {
    const { tasks } = await listWith(
      Array.from({ length: 102 }, (_, i) => `- [ ] t${i}`).join('\n'),
    );
    const [first, ...others] = tasks;
    for (const other of others.slice(0, 100)) {
      const added = await owner.client.post(`/v1/tasks/${first?.id}/dependencies`, {
        dependsOnId: other.id,
      });
      expect(added.status).toBe(201);
    }
    const again = await owner.client.post(`/v1/tasks/${first?.id}/dependencies`, {
      dependsOnId: others[0]?.id,
    });
    expect(again.status).toBe(201);
    const over = await owner.client.post(`/v1/tasks/${first?.id}/dependencies`, {
      dependsOnId: others[100]?.id,
    });
    expect(over.status).toBe(409);
    expect(over.body.detail).toContain('at most 100');
  }, 60_000);

  it('cap what a markdown import makes of big sections, and report what it left out', async () => {
    const section = (n: number, size: number, dependsOn?: number) =>
      [
        `## ${n} Section`,
        ...(dependsOn ? [`**Dependencies**: ${dependsOn}`] : []),
        ...Array.from({ length: size }, (_, i) => `- [ ] s${n}-${i}`),
      ].join('\n');
    const { list } = await listWith(
      [section(1, 300), section(2, 300, 1), section(3, 2, 2), `**Dependencies**: 3`].join('\n'),
    );
    const report = list.importReport;
    // 300 tasks would each wait for 100 of section 1, but an import makes at most 20,000.
    expect(report.dependencies).toBe(20_000);
    expect(report.dependenciesOverLimit).toBeGreaterThan(0);
  });

  it('leave out, and name, the section dependencies that would close a cycle', async () => {
    const { list } = await listWith(
      [
        '## 1 A',
        '**Dependencies**: 3',
        '- [ ] a',
        '## 2 B',
        '**Dependencies**: 1',
        '- [ ] b',
        '## 3 C',
        '**Dependencies**: 2',
        '- [ ] c',
      ].join('\n'),
    );
    expect(list.importReport.cyclicDependencies).toEqual(['2 -> 1']);
    expect(list.importReport.dependencies).toBe(2);
  });
});
