import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  newPage,
  rowsOf,
  shot,
  signUpInBrowser,
  startDashboard,
  V1_SAMPLE,
} from './support.ts';

// The dashboard on a first day's real data (issue 18): a timeline with one stray session far
// from the rest, a session with many commits, searches followed by Back, and imports
// followed to their report, on a new free-tier tenant.
let env: Awaited<ReturnType<typeof startDashboard>>;
let tab: Awaited<ReturnType<typeof newPage>>;
let page: Page;
let call: Awaited<ReturnType<typeof apiAs>>;

beforeAll(async () => {
  env = await startDashboard();
  tab = await newPage(env.browser, env.baseUrl);
  page = tab.page;
  await signUpInBrowser(page, 'web-real');
  call = await apiAs(env.baseUrl, 'web-real');
}, 60_000);
afterAll(() => env?.close());
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    await shot(page, `failed-${context.task.name.replace(/\W+/g, '-')}`);
    console.log(`page errors: ${JSON.stringify(tab.errors)}`);
  }
});

describe('the header', () => {
  it('stays on one line at 1280 px', async () => {
    await page.goto('/#/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    // One row: every item's box overlaps every other's, and nothing runs off the page.
    const boxes = await page
      .locator('header nav li')
      .evaluateAll((items) => items.map((li) => li.getBoundingClientRect().toJSON()));
    expect(boxes.length).toBeGreaterThan(8);
    const lowestTop = Math.max(...boxes.map((b) => b.top));
    const highestBottom = Math.min(...boxes.map((b) => b.bottom));
    expect(lowestTop).toBeLessThan(highestBottom);
    expect(Math.max(...boxes.map((b) => b.right))).toBeLessThanOrEqual(1280);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(1280);
  });
});

describe('the timeline', () => {
  it('opens on where the sessions are, leaving out a stray one, and zooms', async () => {
    // 30 sessions through a week of March 2025, and one from this month.
    const march = Date.parse('2025-03-03T09:00:00Z');
    for (let i = 0; i < 30; i++) {
      const s = await call('POST', '/v1/sessions', {
        tool: 'claude-code',
        title: `March work ${i}`,
        startedAt: new Date(march + i * 5 * 3_600_000).toISOString(),
      });
      expect(s.status).toBe(201);
    }
    await call('POST', '/v1/sessions', {
      tool: 'claude-code',
      title: 'A stray session',
      startedAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    // With a From date the axis runs from it to the newest item: all 31 are drawn.
    await page.goto('/#/timeline?since=2025-01-01T00:00:00.000Z');
    const chart = page.locator('svg.timeline');
    await expect.poll(() => chart.locator('rect.session').count()).toBe(31);
    // Without dates the axis opens on the March week: the stray session is left out and
    // said to be, and the March bars spread over most of the width.
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByRole('note').filter({ hasText: 'outside this range' }).waitFor();
    const sessions = chart.locator('a[aria-label^="Session March work"] rect');
    await expect.poll(() => sessions.count()).toBe(30);
    expect(await chart.locator('a[aria-label="Session A stray session"]').count()).toBe(0);
    const xs = await sessions.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('x'))));
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(600); // of 1,000
    await shot(page, 'timeline-default');

    // Zoom in: fewer March sessions, the dates in the URL; Reset goes back.
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => page.url()).toContain('until=');
    // (While the narrower range loads there are none: wait for the chart, not its absence.)
    await expect
      .poll(async () => {
        const shown = await sessions.count();
        return shown > 0 && shown < 30;
      })
      .toBe(true);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => sessions.count()).toBe(30);
    // Everything loaded: the stray one is in.
    await page.getByRole('button', { name: 'Show everything loaded' }).click();
    await chart.locator('a[aria-label="Session A stray session"]').waitFor();
  });
});

/** The v1 sample, imported through the API and followed to its end. */
async function importV1Sample() {
  const files = Object.fromEntries(
    await Promise.all(
      readdirSync(V1_SAMPLE).map(async (f) => [
        f,
        JSON.parse(await readFile(path.join(V1_SAMPLE, f), 'utf8')),
      ]),
    ),
  );
  const pages = Object.keys(files)
    .filter((f) => f.startsWith('messages-page-'))
    .sort()
    .map((f) => files[f]);
  const started = await call('POST', '/v1/imports', {
    kind: 'v1-export',
    files: {
      messagePages: pages,
      checkpoints: files['checkpoints.json'],
      commits: files['git-commits.json'],
      topics: files['topics.json'],
    },
  });
  expect(started.status).toBe(202);
  // (expect.poll belongs to tests; this runs before them.)
  for (let i = 0; ; i++) {
    const status = (await call('GET', `/v1/imports/${started.body.id}`)).body.status;
    if (status === 'succeeded') break;
    if (status === 'failed' || i > 300) throw new Error(`The v1 sample import ended ${status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('with the v1 sample imported', () => {
  beforeAll(importV1Sample, 60_000);

  describe('a session page', () => {
    it('shows the conversation first and folds the commits', async () => {
      // An evening's session in the sample's repository, through its 30 commits.
      const [repository] = (await call('GET', '/v1/repositories')).body.items;
      const session = await call('POST', '/v1/sessions', {
        tool: 'claude-code',
        title: 'Evening of commits',
        repositoryId: repository.id,
        startedAt: '2025-11-24T20:00:00Z',
      });
      await call('POST', `/v1/sessions/${session.body.id}/end`, {
        endedAt: '2025-11-25T08:00:00Z',
      });
      const conversation = await call('POST', `/v1/sessions/${session.body.id}/conversations`, {});
      const said = await call('POST', `/v1/conversations/${conversation.body.id}/messages`, {
        messages: [
          { role: 'user', content: 'Ship the export fixes tonight.' },
          { role: 'assistant', content: 'Committing them one by one.' },
        ],
      });
      expect(said.status).toBe(201);
      const withCommits = session.body.id;
      expect((await call('GET', `/v1/sessions/${withCommits}/commits`)).body.commits.length).toBe(
        30,
      );
      await page.goto(`/#/sessions/${withCommits}`);
      const firstMessage = page.locator('article.message').first();
      await firstMessage.waitFor();
      const commits = page.locator('details', { hasText: 'Commits during the session' });
      await commits.waitFor();
      expect(await commits.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
      const top = async (l: typeof commits) => (await l.boundingBox())?.y ?? 0;
      expect(await top(firstMessage)).toBeLessThan(await top(commits));
      // The first message is on the first screen.
      expect(await top(firstMessage)).toBeLessThan(900);
      await commits.locator('summary').click();
      expect(await commits.locator('li').count()).toBeGreaterThan(3);
    });
  });

  describe('search', () => {
    // The message each hit links to.
    const hitIds = async () =>
      (await page
        .locator('ol.hits li a')
        .evaluateAll((links) =>
          links.map((a) => /[?&]message=([^&]+)/.exec(a.getAttribute('href') ?? '')?.[1]),
        )) as string[];

    it('keeps each search in the history: Back shows the previous one, box and results', async () => {
      const search = async (q: string) => {
        await page.getByLabel('Search messages').fill(q);
        await page.getByRole('button', { name: 'Search', exact: true }).click();
        await expect
          .poll(() => page.url())
          .toContain(`q=${encodeURIComponent(q).replace(/%20/g, '+')}`);
        await page.locator('ol.hits li mark').first().waitFor();
      };
      await page.goto('/#/search');
      await search('checkpoint');
      const first = await hitIds();
      await search('nested_learning.py');
      const second = await hitIds();
      expect(second).not.toEqual(first);
      await page.goBack();
      await expect.poll(() => page.getByLabel('Search messages').inputValue()).toBe('checkpoint');
      await expect.poll(hitIds).toEqual(first);
      await page.goForward();
      await expect
        .poll(() => page.getByLabel('Search messages').inputValue())
        .toBe('nested_learning.py');
      await expect.poll(hitIds).toEqual(second);
    });

    it('Load more pages through every hit once, the same set as the API', async () => {
      const q = 'coditect or dashboard or architecture or learning';
      const all: string[] = [];
      for (let cursor: string | null = null; ; ) {
        const reply = await call(
          'GET',
          `/v1/search/messages?q=${encodeURIComponent(q)}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        all.push(...reply.body.items.map((h: { messageId: string }) => h.messageId));
        cursor = reply.body.nextCursor;
        if (!cursor) break;
      }
      expect(all.length).toBeGreaterThan(40); // more than two pages of 20
      await page.goto(`/#/search?q=${encodeURIComponent(q)}`);
      await page.locator('ol.hits li').first().waitFor();
      const more = page.getByRole('button', { name: 'Load more' });
      while ((await more.count()) > 0) {
        const before = await page.locator('ol.hits li').count();
        // A double click asks for the next page once.
        await more.dblclick();
        await expect.poll(() => page.locator('ol.hits li').count()).toBeGreaterThan(before);
        await expect
          .poll(() => more.evaluateAll((b) => b.every((e) => e.ariaBusy !== 'true')))
          .toBe(true);
      }
      const shown = await hitIds();
      expect(new Set(shown).size).toBe(shown.length);
      expect([...shown].sort()).toEqual([...all].sort());
    });
  });

  describe('the import page', () => {
    it('follows a transcript import to its report, asking less and less often, then stops', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'devctx-web-transcript-'));
      const file = path.join(dir, 'cc-web-session.jsonl');
      await writeFile(file, transcript());
      await page.goto('/#/import');
      const before = tab.requested.length;
      await page.getByLabel(/v1 export files/).setInputFiles(file);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByRole('status').filter({ hasText: 'Import succeeded' }).waitFor();
      const report = page.getByRole('region', { name: 'Report' });
      await report.waitFor();
      const text = (await report.textContent()) ?? '';
      expect(text).toContain('Sessions1');
      expect(text).toContain('New messages4');
      expect(text).toContain('Unreadable lines0');
      await shot(page, 'import-report');
      const polls = () =>
        tab.requested.slice(before).filter((url) => /\/v1\/imports\/[0-9a-f-]{36}$/.test(url))
          .length;
      // Its row in the list below says the same.
      await rowsOf(page, 'Imports')
        .filter({ hasText: 'claude-code' })
        .filter({ hasText: '1 session, 4 new messages' })
        .getByText('succeeded')
        .waitFor();
      const asked = polls();
      expect(asked).toBeGreaterThan(0);
      // Finished: no more requests for it.
      await page.waitForTimeout(2_500);
      expect(polls()).toBe(asked);

      // The id is in the URL: a reload shows the same report; the list has both imports.
      await page.reload();
      await page.getByRole('region', { name: 'Report' }).waitFor();
      await expect.poll(() => rowsOf(page, 'Imports').count()).toBe(2);

      // The session shows its tool calls by name, and the result by the call it answers.
      await page.goto('/#/sessions');
      await rowsOf(page, 'Sessions').filter({ hasText: 'Fix the crash' }).getByRole('link').click();
      const calls = page.getByRole('list', { name: 'Tool calls' });
      await calls.first().waitFor();
      expect(await calls.first().locator('summary').textContent()).toBe('Read src/server/entry.ts');
      await page.getByText('Result of Read src/server/entry.ts').waitFor();
    });

    it('a file with nothing to import is refused at once, creating nothing', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'devctx-web-garbage-'));
      const file = path.join(dir, 'notes.jsonl');
      await writeFile(file, 'not json\nnor this\n');
      await page.goto('/#/import');
      await rowsOf(page, 'Imports').first().waitFor();
      await page.getByLabel(/v1 export files/).setInputFiles(file);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByRole('alert').waitFor();
      expect(page.url()).not.toContain('id=');
      expect(await rowsOf(page, 'Imports').count()).toBe(2);
    });
  });
});

describe('following an import that does not finish', () => {
  it('asks less and less often, and stops at once when the import is gone', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    let answer = { status: 200, body: { id, kind: 'v1-export', status: 'running' } as object };
    let asked = 0;
    await page.route(`**/v1/imports/${id}`, (route) => {
      asked++;
      return route.fulfill({ status: answer.status, json: answer.body });
    });
    await page.clock.install();
    await page.goto(`/#/import?id=${id}`);
    await page.getByRole('status').filter({ hasText: 'Import running' }).waitFor();
    // A minute of the page's time, a second at a time: every 500 ms would be 120 requests.
    for (let second = 0; second < 60; second++) {
      await page.clock.runFor(1_000);
      await page.waitForTimeout(15);
    }
    expect(asked).toBeGreaterThan(5);
    expect(asked).toBeLessThan(16);
    // The import is not there (another tenant's id, say): the reason shows, the asking stops.
    answer = {
      status: 404,
      body: { title: 'Not found', status: 404, detail: 'No such import.' },
    };
    for (let second = 0; second < 15; second++) await page.clock.runFor(1_000);
    await page.getByRole('alert').filter({ hasText: 'No such import.' }).waitFor();
    const stoppedAt = asked;
    for (let second = 0; second < 30; second++) {
      await page.clock.runFor(1_000);
      await page.waitForTimeout(15);
    }
    expect(asked).toBe(stoppedAt);
    await page.unroute(`**/v1/imports/${id}`);
  });
});

/** A short Claude Code session: a question, a Read, its result, an answer. */
function transcript(): string {
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 28, 10, minute)).toISOString();
  const base = { sessionId: 'cc-web-session', cwd: '/work/app', gitBranch: 'main' };
  const lines = [
    { type: 'summary', summary: 'Fix the crash', leafUuid: 'a2' },
    {
      ...base,
      type: 'user',
      uuid: 'u1',
      timestamp: at(0),
      message: { role: 'user', content: 'Why does the server crash on start?' },
    },
    {
      ...base,
      type: 'assistant',
      uuid: 'a1',
      timestamp: at(1),
      message: {
        id: 'msg_1',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'text', text: 'Let me read the entry point.' },
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'Read',
            input: { file_path: 'src/server/entry.ts' },
          },
        ],
      },
    },
    {
      ...base,
      type: 'user',
      uuid: 'r1',
      timestamp: at(2),
      message: {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'export const port = env.PORT;' },
        ],
      },
    },
    {
      ...base,
      type: 'assistant',
      uuid: 'a2',
      timestamp: at(3),
      message: {
        id: 'msg_2',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [{ type: 'text', text: 'PORT is read before the config is loaded.' }],
      },
    },
  ];
  return `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`;
}
