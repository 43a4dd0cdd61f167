import { type Attack, FULL, healthWhile, ms, type Target } from './target.ts';

// Finding 17.1: one request froze the whole process (quadratic regular expressions on a
// tenant's markdown). Every parser gets 1 MB of the input that made the old patterns
// backtrack, while /health is polled: the request must answer well under a second, and
// /health must not wait behind it.
const MB = 1_000_000;
const repeatTo = (line: string, bytes = MB) =>
  Array.from({ length: Math.max(1, Math.floor(bytes / (line.length + 1))) }, () => line).join('\n');
const spaces = (n: number) => ' '.repeat(n);

/** The shapes of line the old patterns backtracked on: one huge line, and many of 1,999 characters. */
const pathologicalMarkdown = [
  `# a${spaces(MB - 4)}b`,
  repeatTo(`# a${spaces(1995)}b`),
  repeatTo(`- [ ] a${spaces(1990)}b`),
  repeatTo(`**Dependencies**:${spaces(1980)}x`),
  repeatTo(`-${spaces(1990)}[`),
  repeatTo(`${'#'.repeat(6)}${spaces(1990)}${'#'.repeat(3)}`),
];

async function timed(target: Target, send: () => Promise<Response>) {
  const started = performance.now();
  const { result, slowestMs } = await healthWhile(target.base, async () => {
    const response = await send();
    await response.arrayBuffer();
    return response.status;
  });
  return { status: result, tookMs: performance.now() - started, healthMs: slowestMs };
}

/** /health's slowest answer with nothing else going on: the bound is relative to it. */
async function baseline(target: Target) {
  const { slowestMs } = await healthWhile(
    target.base,
    () => new Promise((r) => setTimeout(r, 300)),
  );
  return slowestMs;
}

function judge(runs: { status: number; tookMs: number; healthMs: number }[], base: number) {
  const slowest = Math.max(...runs.map((r) => r.tookMs));
  const health = Math.max(...runs.map((r) => r.healthMs));
  const statuses = [...new Set(runs.map((r) => r.status))].join('/');
  return {
    observed: `${runs.length} × 1 MB: ${statuses}, slowest ${ms(slowest)}; /health ≤ ${ms(health)} (idle ${ms(base)})`,
    // A backtracking pattern on 1 MB takes minutes; 3 s leaves room for a loaded machine
    // (the whole test run shares two cores) without letting one through.
    ok: runs.every((r) => r.status < 500) && slowest < 3000 && health < Math.max(1000, 10 * base),
  };
}

const post = (target: Target, path: string, body: unknown) => () =>
  fetch(`${target.base}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${target.a.member.client.token}`,
    },
    body: JSON.stringify(body),
  });

async function project(target: Target) {
  const created = await target.a.owner.client.post('/v1/projects', {
    slug: `freeze-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Freeze',
  });
  return created.body.id as string;
}

export const freezeAttacks: Attack[] = [
  {
    finding: '17.1 backtracking patterns',
    name: 'task list markdown (headings, checkboxes, dependencies)',
    expected: 'each answered < 3 s; /health not delayed',
    async run(target) {
      const base = await baseline(target);
      const id = await project(target);
      const runs = [];
      for (const [i, markdown] of pathologicalMarkdown.entries())
        runs.push(
          await timed(
            target,
            post(target, `/v1/projects/${id}/task-lists`, { name: `m${i}`, markdown }),
          ),
        );
      return judge(runs, base);
    },
  },
  {
    finding: '17.1 backtracking patterns',
    name: 'plan markdown (phases)',
    expected: 'each answered < 3 s; /health not delayed',
    async run(target) {
      const base = await baseline(target);
      const id = await project(target);
      const runs = [];
      for (const markdown of pathologicalMarkdown)
        runs.push(await timed(target, post(target, `/v1/projects/${id}/plans`, { markdown })));
      return judge(runs, base);
    },
  },
  {
    finding: '17.1 backtracking patterns',
    name: 'uploaded git log and commit messages',
    expected: 'each answered < 3 s; /health not delayed',
    async run(target) {
      const base = await baseline(target);
      const repository = await target.a.owner.client.post('/v1/repositories', {
        provider: 'github',
        fullName: `attack/freeze-${Math.random().toString(36).slice(2, 8)}`,
      });
      const message = `task:${spaces(FULL ? 400_000 : 200_000)}x Fixes ${'task:'.repeat(20_000)}`;
      const logs = [
        `\x1e${'a'.repeat(40)}\x1fA\x1fa@x.example\x1f2026-11-01T00:00:00Z\x1f${message}\x1f\n`,
        repeatTo(`1\t1\t${'a/'.repeat(900)}`),
        `\x1e${' '.repeat(MB)}`,
      ];
      const runs = [];
      for (const gitLog of logs)
        runs.push(
          await timed(target, () =>
            fetch(`${target.base}/v1/repositories/${repository.body.id}/sync`, {
              method: 'POST',
              headers: {
                'content-type': 'application/json',
                authorization: `Bearer ${target.a.owner.accessToken}`,
              },
              body: JSON.stringify({ gitLog }),
            }),
          ),
        );
      return judge(runs, base);
    },
  },
  {
    finding: '17.1 backtracking patterns',
    name: 'message batch and search query',
    expected: 'each answered < 3 s; /health not delayed',
    async run(target) {
      const base = await baseline(target);
      const session = await target.a.owner.client.post('/v1/sessions', {
        tool: 'claude-code',
        title: 'freeze',
      });
      const conversation = await target.a.owner.client.post(
        `/v1/sessions/${session.body.id}/conversations`,
        {},
      );
      const content = `a${spaces(400_000)}b \`${'`'.repeat(10_000)} ${'/a'.repeat(100_000)}`;
      const runs = [
        await timed(
          target,
          post(target, `/v1/conversations/${conversation.body.id}/messages`, {
            messages: [{ role: 'user', content }],
          }),
        ),
        await timed(target, () =>
          fetch(
            `${target.base}/v1/search/messages?q=${encodeURIComponent(`a${' '.repeat(150)}"${'b '.repeat(20)}`)}`,
            {
              headers: { authorization: `Bearer ${target.a.member.client.token}` },
            },
          ),
        ),
      ];
      return judge(runs, base);
    },
  },
];
