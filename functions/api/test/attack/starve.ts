import { type Attack, FULL, ms, type Target } from './target.ts';

// Finding 17.2: one tenant's graph work held every pooled connection, and another tenant
// got 503 for 15 s. Now graph work is linear and bounded, and no tenant holds more than
// half of the pool: tenant B must be served throughout.
async function ladder(target: Target, layers: number) {
  const owner = target.a.owner.client;
  const project = await owner.post('/v1/projects', { slug: `ladder-${layers}`, name: 'Ladder' });
  const markdown = Array.from({ length: layers }, (_, i) => `- [ ] L${i}a\n- [ ] L${i}b`).join(
    '\n',
  );
  const list = await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
    name: 'ladder',
    markdown,
  });
  const tasks = (await owner.get(`/v1/task-lists/${list.body.id}/tasks?limit=200`)).body.items as {
    id: string;
    title: string;
  }[];
  const id = (title: string) => tasks.find((t) => t.title === title)?.id as string;
  for (let i = 0; i < layers - 1; i++)
    for (const from of ['a', 'b'])
      for (const to of ['a', 'b'])
        await owner.post(`/v1/tasks/${id(`L${i}${from}`)}/dependencies`, {
          dependsOnId: id(`L${i + 1}${to}`),
        });
  return { top: id('L0a'), bottom: id(`L${layers - 1}a`) };
}

/** B's reads while `flood` runs: every status, and the slowest. */
async function whileFlooding(target: Target, flood: () => Promise<unknown>) {
  let done = false;
  const statuses = new Map<number, number>();
  let slowest = 0;
  const reads = (async () => {
    while (!done) {
      const started = performance.now();
      const reply = await target.b.owner.client.get('/v1/me');
      slowest = Math.max(slowest, performance.now() - started);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
    }
  })();
  await flood();
  done = true;
  await reads;
  return { statuses: Object.fromEntries(statuses), slowest };
}

export const starveAttacks: Attack[] = [
  {
    finding: '17.2 exponential cycle check holds the pool',
    name: `the edge closing a cycle through a 26-layer ladder, ${FULL ? 20 : 10} at once`,
    expected: 'each 409 at once; tenant B served throughout (no 503)',
    async run(target) {
      const { top, bottom } = await ladder(target, 26);
      const parallel = FULL ? 20 : 10;
      let answers: number[] = [];
      const started = performance.now();
      const b = await whileFlooding(target, async () => {
        answers = await Promise.all(
          Array.from(
            { length: parallel },
            async () =>
              (
                await target.a.owner.client.post(`/v1/tasks/${bottom}/dependencies`, {
                  dependsOnId: top,
                })
              ).status,
          ),
        );
      });
      const took = performance.now() - started;
      return {
        observed: `${parallel} × ${[...new Set(answers)].join('/')} in ${ms(took)}; B: ${JSON.stringify(b.statuses)}, slowest ${ms(b.slowest)}`,
        ok: answers.every((s) => s === 409) && Object.keys(b.statuses).every((s) => s === '200'),
      };
    },
  },
  {
    finding: '17.2 one tenant holds the pool',
    name: `tenant A sends ${FULL ? 40 : 16} 1 MB markdown imports at once`,
    expected: 'tenant B served throughout (no 503)',
    async run(target) {
      const owner = target.a.owner.client;
      const project = await owner.post('/v1/projects', { slug: 'flood', name: 'Flood' });
      const markdown = Array.from({ length: 60_000 }, (_, i) => `- [ ] flood task ${i}`)
        .join('\n')
        .slice(0, 999_000);
      const count = FULL ? 40 : 16;
      let answers: number[] = [];
      const b = await whileFlooding(target, async () => {
        answers = await Promise.all(
          Array.from(
            { length: count },
            async (_, i) =>
              (
                await owner.post(`/v1/projects/${project.body.id}/task-lists`, {
                  name: `flood ${i}`,
                  markdown,
                })
              ).status,
          ),
        );
      });
      const tally: Record<number, number> = {};
      for (const status of answers) tally[status] = (tally[status] ?? 0) + 1;
      return {
        observed: `A: ${JSON.stringify(tally)}; B: ${JSON.stringify(b.statuses)}, slowest ${ms(b.slowest)}`,
        ok:
          Object.keys(b.statuses).every((s) => s === '200') &&
          answers.every((s) => s < 500 || s === 503),
      };
    },
  },
];
