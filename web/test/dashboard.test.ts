import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  apiAs,
  newPage,
  rowsOf,
  shot,
  signUpInBrowser,
  startDashboard,
  V1_SAMPLE,
} from './support.ts';

// The dashboard in headless Chromium against the real api variant and database: tenant A
// signs up, imports the v1 sample through the page, browses, searches, ticks a task and
// creates an API key; tenant B, in another browser profile, sees none of it anywhere.
let env: Awaited<ReturnType<typeof startDashboard>>;
let a: Awaited<ReturnType<typeof newPage>>;
let page: Page;
const ids: Record<string, string> = {};

beforeAll(async () => {
  env = await startDashboard();
  a = await newPage(env.browser, env.baseUrl);
  page = a.page;
}, 60_000);
afterAll(() => env?.close());
// A failed step leaves a screenshot of the page as it was, beside the others.
afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    await shot(page, `failed-${context.task.name.replace(/\W+/g, '-')}`);
    console.log(
      `page errors: ${JSON.stringify(a.errors)}\n${await page.locator('body').textContent()}`,
    );
  }
});

const main = () => page.locator('main');

describe('dashboard (tenant A)', () => {
  it('signs up and shows an empty overview', async () => {
    await signUpInBrowser(page, 'web-a');
    await expect.poll(() => main().textContent()).toContain('Nothing yet');
    expect(await page.getByLabel('Tenant').inputValue()).toBe('web-a');
  });

  it('imports the v1 sample through the page', async () => {
    await page.getByRole('link', { name: 'Import', exact: true }).click();
    const files = readdirSync(V1_SAMPLE).map((f) => path.join(V1_SAMPLE, f));
    await page.getByLabel(/v1 export files/).setInputFiles(files);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('status').filter({ hasText: 'succeeded' }).waitFor({ timeout: 30_000 });
    expect(await main().textContent()).toContain('v1 hashes verified153 (0 mismatched)');
    await shot(page, 'import');
  });

  it('overview counts what was imported, and links recent activity', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const counts = page.getByRole('region', { name: 'Counts' });
    await counts.waitFor();
    const number = async (label: string) =>
      Number(
        (await counts.getByRole('link', { name: label }).locator('strong').textContent())?.replace(
          /\D/g,
          '',
        ),
      );
    expect(await number('Sessions')).toBe(5);
    expect(await number('Commits')).toBe(30);
    expect(await number('Messages')).toBeGreaterThan(100);
    expect(await number('Files touched')).toBeGreaterThan(0);
    expect(await page.locator('.activity li').count()).toBe(10);
    await page.getByRole('progressbar', { name: 'Stored messages' }).waitFor();
    await shot(page, 'overview');
  });

  it('lists sessions and renders a conversation with its stats', async () => {
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    const rows = rowsOf(page, 'Sessions');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(5);
    await rows.first().getByRole('link').click();
    await page.locator('article.message').first().waitFor();
    ids.session = page.url().split('/sessions/')[1]?.split('?')[0] ?? '';
    ids.sessionTitle = (await page.getByRole('heading', { level: 1 }).textContent()) ?? '';
    expect(await page.locator('article.message.user').count()).toBeGreaterThan(0);
    expect(await page.locator('article.message.assistant').count()).toBeGreaterThan(0);
    expect(await main().textContent()).toContain('Tokens in / out');
    await shot(page, 'session');
  });

  it('searches with highlighted snippets and opens the session at the hit', async () => {
    await page.getByRole('link', { name: 'Search' }).click();
    await page.getByLabel('Search messages').fill('nested_learning.py');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const hits = page.locator('ol.hits li');
    await hits.first().waitFor();
    expect((await hits.first().locator('mark').first().textContent())?.toLowerCase()).toContain(
      'nested_learning',
    );
    // Snippets are escaped HTML from the API: shown as the text they stand for.
    const snippets = (await hits.locator('p').allTextContents()).join('\n');
    expect(snippets).not.toMatch(/&#?\w+;/);
    expect(snippets).toContain('"');
    await shot(page, 'search');
    await hits.first().getByRole('link').click();
    const focused = page.locator('article.message.focused');
    await focused.waitFor();
    expect((await focused.textContent())?.toLowerCase()).toContain('nested_learning');
    // The page opened a few messages before the hit; the start is one click away.
    const sequences = async () =>
      (await page.locator('article.message header small').allTextContents()).map((t) =>
        Number(/#(\d+)/.exec(t)?.[1]),
      );
    expect((await sequences())[0]).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Show the conversation from the start' }).click();
    await expect.poll(async () => (await sequences())[0]).toBe(0);
  });

  it('ticks a task (kept by the API), and rolls a refused toggle back', async () => {
    const call = await apiAs(env.baseUrl, 'web-a');
    const project = await call('POST', '/v1/projects', { slug: 'launch', name: 'Launch plan' });
    const list = await call('POST', `/v1/projects/${project.body.id}/task-lists`, {
      name: 'Roadmap',
      markdown:
        '## 1 Build\n- [ ] Write the API\n- [ ] Write the dashboard\n## 2 Ship\n- [ ] Deploy',
    });
    Object.assign(ids, { project: project.body.id, list: list.body.id });
    await page.getByRole('link', { name: 'Projects' }).click();
    await page.getByRole('link', { name: 'Launch plan' }).click();
    await page.getByRole('link', { name: 'Roadmap' }).click();
    const box = page.getByRole('checkbox', { name: 'Write the API' });
    await box.check();
    const tasks = async () =>
      (await call('GET', `/v1/task-lists/${ids.list}/tasks`)).body.items as {
        title: string;
        checked: boolean;
      }[];
    await expect
      .poll(async () => (await tasks()).find((t) => t.title === 'Write the API')?.checked)
      .toBe(true);
    await page.getByText('1 Build — 1/2').waitFor();

    // The API refuses the next toggle: the box shows the change at once, then goes back.
    await page.route('**/v1/tasks/*/toggle', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'Conflict', detail: 'Changed elsewhere.', status: 409 }),
      }),
    );
    const other = page.getByRole('checkbox', { name: 'Deploy' });
    await other.click();
    await page.getByRole('alert').filter({ hasText: 'Changed elsewhere.' }).waitFor();
    expect(await other.isChecked()).toBe(false);
    expect((await tasks()).find((t) => t.title === 'Deploy')?.checked).toBe(false);
    await page.unroute('**/v1/tasks/*/toggle');
    await shot(page, 'task-list');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export as markdown' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Roadmap.md');
    const markdown = await readFile((await file.path()) as string, 'utf8');
    expect(markdown).toContain('- [x] Write the API');
    expect(markdown).toContain('- [ ] Deploy');
  });

  it('shows the timeline and the topics, files and commands views', async () => {
    await page.getByRole('link', { name: 'Timeline' }).click();
    const chart = page.locator('svg.timeline');
    await chart.waitFor();
    await expect.poll(() => chart.locator('rect.session').count()).toBe(5);
    await expect.poll(() => chart.locator('rect.commit').count()).toBe(30);
    await shot(page, 'timeline');
    // Through to a commit, with the keyboard (marks a few pixels apart overlap the mouse).
    const mark = chart.locator('a[aria-label^="Commit "]').first();
    const subject = (await mark.getAttribute('aria-label'))?.replace(/^Commit /, '');
    await mark.focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: subject }).waitFor();
    await page.goBack();
    // Dates narrow the axis: the newest commit's day on, then everything before that day.
    const call = await apiAs(env.baseUrl, 'web-a');
    const repository = (await call('GET', '/v1/repositories')).body.items[0].id;
    const times = async (url: string, field: string) =>
      ((await call('GET', url)).body.items as Record<string, string>[]).map((i) =>
        Date.parse(i[field] as string),
      );
    const commits = await times(`/v1/repositories/${repository}/commits?limit=100`, 'committedAt');
    const sessions = await times('/v1/sessions?limit=100', 'startedAt');
    const day = new Date(Math.max(...commits)).toISOString().slice(0, 10);
    const midnight = Date.parse(`${day}T00:00:00Z`);
    const shown = async () => [
      await chart.locator('rect.commit').count(),
      await chart.locator('rect.session').count(),
    ];
    const onOrAfter = (list: number[]) => list.filter((t) => t >= midnight).length;
    await page.getByLabel('From', { exact: true }).fill(day);
    await expect.poll(shown).toEqual([onOrAfter(commits), onOrAfter(sessions)]);
    await page.getByLabel('From', { exact: true }).fill('');
    await page.getByLabel('Before', { exact: true }).fill(day);
    await expect
      .poll(shown)
      .toEqual([commits.length - onOrAfter(commits), sessions.length - onOrAfter(sessions)]);
    expect(onOrAfter(commits)).toBeGreaterThan(0);
    expect(onOrAfter(commits)).toBeLessThan(30);
    await page.getByLabel('Before', { exact: true }).fill('2000-01-01');
    await page.getByText('No sessions or commits to show.').waitFor();
    // More sessions than one page holds: the timeline says it shows only the latest.
    await page.route('**/v1/sessions?*', async (route) => {
      const reply = await route.fetch();
      await route.fulfill({ response: reply, json: { ...(await reply.json()), nextCursor: 'x' } });
    });
    await page.getByLabel('Before', { exact: true }).fill('');
    await page.getByRole('note').filter({ hasText: 'Only the latest 200 sessions' }).waitFor();
    await page.unroute('**/v1/sessions?*');
    await page.getByRole('link', { name: 'Insights' }).click();
    await rowsOf(page, 'Topics').first().waitFor();
    await shot(page, 'topics');
    await page.getByRole('link', { name: 'Files', exact: true }).click();
    await rowsOf(page, 'Files').locator('code').first().waitFor();
    const files = await rowsOf(page, 'Files').count();
    await page.getByLabel('Filter').fill('.py');
    await page.getByLabel('Filter').press('Enter');
    // Fewer files, and every one of them a .py file (not a table still loading, or empty).
    const paths = () => rowsOf(page, 'Files').locator('code').allTextContents();
    await expect
      .poll(async () => (await paths()).length > 0 && (await paths()).length < files)
      .toBe(true);
    for (const path of await paths()) expect(path).toContain('.py');
    await shot(page, 'files');
  });

  it('creates an API key whose secret is shown once and works', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('laptop hook');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByLabel('New API key').inputValue();
    expect(secret).toMatch(/^dck_/);
    const me = await fetch(`${env.baseUrl}/v1/sessions`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(me.status).toBe(403); // only sessions:write was chosen
    await rowsOf(page, 'API keys').filter({ hasText: 'laptop hook' }).waitFor();
    await shot(page, 'admin-keys');
    await page.reload();
    await rowsOf(page, 'API keys').filter({ hasText: 'laptop hook' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await rowsOf(page, 'Audit log').first().waitFor();
    expect(await main().textContent()).toContain('api_key');
  });

  it('invites a viewer, who accepts from the link and may read but not change', async () => {
    await page.goto('/#/admin/users');
    await page.getByLabel('Email').fill('grace@web-a.example');
    await page.getByLabel('Name').fill('Grace');
    await page.getByLabel('Role').selectOption({ label: 'viewer' });
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = await page.getByLabel('Invitation link').inputValue();
    expect(link).toContain('/#/invitation/');
    const row = rowsOf(page, 'Users').filter({ hasText: 'grace@web-a.example' });
    await row.getByText('invited').waitFor();

    const grace = await newPage(env.browser, env.baseUrl);
    await grace.page.goto(link);
    await grace.page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await grace.page.getByLabel('Password').fill('graces own passphrase');
    await grace.page.getByRole('button', { name: 'Accept your invitation' }).click();
    await grace.page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await grace.page.getByLabel('Tenant').inputValue()).toBe('web-a');

    // A viewer's tick is refused by the API: the box goes back and the reason is shown.
    await grace.page.goto(`/#/task-lists/${ids.list}`);
    const box = grace.page.getByRole('checkbox', { name: 'Deploy' });
    await box.click();
    await grace.page.getByRole('alert').filter({ hasText: '“Deploy” was not changed' }).waitFor();
    expect(await box.isChecked()).toBe(false);
    await grace.page.goto('/#/admin/users');
    await rowsOf(grace.page, 'Users').first().waitFor();
    expect(await grace.page.getByRole('form', { name: 'Invite a user' }).count()).toBe(0);
    expect(await grace.page.getByRole('button', { name: 'Deactivate' }).count()).toBe(0);
    await grace.close();

    // The owner deactivates her; her row says so.
    page.once('dialog', (dialog) => dialog.accept());
    await page.reload();
    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByText('deactivated').waitFor();
  });

  it('mails an invitation again, and revokes one', async () => {
    await page.goto('/#/admin/users');
    await page.getByLabel('Email').fill('kay@web-a.example');
    await page.getByLabel('Name').fill('Kay');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page.getByText('An invitation is on its way to kay@web-a.example by e-mail.').waitFor();
    const row = rowsOf(page, 'Users').filter({ hasText: 'kay@web-a.example' });
    await row.getByRole('button', { name: 'Resend' }).click();
    await page.getByLabel('Invitation link').waitFor({ state: 'detached' });
    await page.getByText('An invitation is on its way to kay@web-a.example by e-mail.').waitFor();
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    // Never active, the invited user goes with the invitation.
    await row.waitFor({ state: 'detached' });
  });

  it('meets WCAG 2 AA in every main view (axe-core: contrast, names, labels)', async () => {
    const views = [
      '/',
      '/timeline',
      '/sessions',
      `/sessions/${ids.session}`,
      '/search?q=nested_learning.py',
      '/projects',
      `/task-lists/${ids.list}`,
      '/insights/files',
      '/import',
      '/admin/keys',
      '/admin/audit',
      '/admin/data',
    ];
    const problems: string[] = [];
    for (const view of views) {
      await page.goto(`/#${view}`);
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      problems.push(...(await accessibilityProblems(page)).map((p) => `${view} ${p}`));
    }
    expect(problems).toEqual([]);
  });

  it('loaded nothing from anywhere but the product; no script error, no CSP refusal', () => {
    const outside = a.requested.filter(
      (url) => !url.startsWith(env.baseUrl) && !url.startsWith('blob:'),
    );
    expect(outside).toEqual([]);
    expect(a.errors).toEqual([]);
  });
});

describe('sessions end and resume', () => {
  it('an expired session returns to sign-in and back to the same page', async () => {
    await page.goto(`/#/task-lists/${ids.list}`);
    await page.getByRole('checkbox', { name: 'Write the API' }).waitFor();
    // Sign out everywhere from the API: the page's tokens stop working.
    const call = await apiAs(env.baseUrl, 'web-a');
    await call('POST', '/v1/me/password', {
      currentPassword: 'a long enough passphrase',
      newPassword: 'another long passphrase',
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(page.url()).toContain(`#/task-lists/${ids.list}`);
    await page.getByLabel('Tenant (slug)').fill('web-a');
    await page.getByLabel('Email').fill('owner@web-a.example');
    await page.getByLabel('Password').fill('another long passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('checkbox', { name: 'Write the API' }).waitFor();
  });

  it('refreshes the token silently: once on a 401, and ahead of its expiry', async () => {
    const refreshes = () => a.requested.filter((url) => url.endsWith('/v1/auth/refresh')).length;
    const counts = page.getByRole('region', { name: 'Counts' });
    let refused = false;
    await page.route('**/v1/insights/overview', (route) => {
      if (refused) return route.continue();
      refused = true;
      return route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ title: 'Unauthenticated', status: 401, detail: 'Expired.' }),
      });
    });
    let before = refreshes();
    await page.getByRole('link', { name: 'Overview' }).click();
    await counts.waitFor();
    expect(refused).toBe(true);
    expect(refreshes()).toBe(before + 1);
    await page.unroute('**/v1/insights/overview');

    // The page's clock moves to a minute before the hour-long token expires.
    await page.clock.install();
    await page.reload();
    await counts.waitFor();
    before = refreshes();
    await page.clock.fastForward('59:30');
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await rowsOf(page, 'Sessions').first().waitFor();
    expect(refreshes()).toBe(before + 1);
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0);
  });

  it('works on a phone screen and with the keyboard alone', async () => {
    const phone = await newPage(env.browser, env.baseUrl, { width: 390, height: 844 });
    await signUpInBrowser(phone.page, 'web-phone');
    const overflow = await phone.page.evaluate(
      () => document.documentElement.scrollWidth - innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(phone.page, 'overview-phone');
    // Tab from the top reaches the skip button, then the sections; Enter follows a link.
    await phone.page.keyboard.press('Tab');
    expect(await phone.page.evaluate(() => document.activeElement?.textContent)).toBe(
      'Skip to content',
    );
    for (let i = 0; i < 3; i++) await phone.page.keyboard.press('Tab');
    expect(await phone.page.evaluate(() => document.activeElement?.textContent)).toBe('Sessions');
    await phone.page.keyboard.press('Enter');
    await phone.page.getByRole('heading', { name: 'Sessions' }).waitFor();
    await phone.close();
  });
});

describe('the tenant switcher', () => {
  it('signs in to a second tenant by slug and switches between the two', async () => {
    const sessionsCount = async () => {
      const card = page
        .getByRole('region', { name: 'Counts' })
        .getByRole('link', { name: 'Sessions' });
      await card.waitFor();
      return Number(await card.locator('strong').textContent());
    };
    await page.goto('/#/');
    expect(await sessionsCount()).toBe(5);
    await page.getByLabel('Tenant').selectOption({ label: 'Sign in to another tenant…' });
    await page.getByLabel('Tenant (slug)').fill('web-phone');
    await page.getByLabel('Email').fill('owner@web-phone.example');
    await page.getByLabel('Password').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByLabel('Tenant').inputValue()).toBe('web-phone');
    expect(await sessionsCount()).toBe(0);
    await page.getByLabel('Tenant').selectOption('web-a');
    await expect.poll(sessionsCount).toBe(5);

    // A second tab starts on the last tenant chosen; its own switch leaves this tab alone.
    const tab = await page.context().newPage();
    await tab.goto('/#/');
    expect(await tab.getByLabel('Tenant').inputValue()).toBe('web-a');
    await tab.getByLabel('Tenant').selectOption('web-phone');
    await expect.poll(() => tab.getByLabel('Tenant').inputValue()).toBe('web-phone');
    await page.reload();
    expect(await page.getByLabel('Tenant').inputValue()).toBe('web-a');
    expect(await sessionsCount()).toBe(5);
    await tab.close();
  });
});

describe('mailed links: a forgotten password, an address to verify', () => {
  it('mails a link from the sign-in page, and the link sets a new password', async () => {
    const someone = await newPage(env.browser, env.baseUrl);
    await signUpInBrowser(someone.page, 'web-forgot');
    await someone.close();
    const fresh = await newPage(env.browser, env.baseUrl);
    await fresh.page.goto('/');
    await fresh.page.getByRole('link', { name: 'Forgot your password?' }).click();
    await fresh.page.getByLabel('Tenant (slug)').fill('web-forgot');
    await fresh.page.getByLabel('Email').fill('owner@web-forgot.example');
    await fresh.page.getByRole('button', { name: 'Mail me a link' }).click();
    await fresh.page
      .getByRole('status')
      .filter({ hasText: 'a link to choose a new password is on its way' })
      .waitFor();

    const link = await env.mailedLink('owner@web-forgot.example', 'Choose a new password');
    expect(new URL(link).hash).toMatch(/^#\/reset-password\/pwr_/);
    await fresh.page.goto(new URL(link).hash ? `/${new URL(link).hash}` : link);
    await fresh.page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await fresh.page.getByLabel('New password', { exact: true }).fill('my brand new passphrase');
    await fresh.page.getByRole('button', { name: 'Change my password' }).click();
    await fresh.page.getByRole('status').filter({ hasText: 'Your password is changed' }).waitFor();

    await fresh.page.getByRole('link', { name: 'Back to sign-in' }).click();
    await fresh.page.getByLabel('Tenant (slug)').fill('web-forgot');
    await fresh.page.getByLabel('Email').fill('owner@web-forgot.example');
    await fresh.page.getByLabel('Password').fill('my brand new passphrase');
    await fresh.page.getByRole('button', { name: 'Sign in' }).click();
    await fresh.page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(fresh.errors).toEqual([]);
    await fresh.close();
  });

  it('asks to verify the address until the mailed link is opened', async () => {
    const someone = await newPage(env.browser, env.baseUrl);
    await signUpInBrowser(someone.page, 'web-verify');
    const notice = someone.page.getByRole('complementary', { name: 'Address not verified' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('owner@web-verify.example');
    const link = await env.mailedLink('owner@web-verify.example', 'Verify your e-mail address');
    expect(new URL(link).hash).toMatch(/^#\/verify-email\/emv_/);
    await someone.page.goto(`/${new URL(link).hash}`);
    await someone.page
      .getByRole('status')
      .filter({ hasText: 'owner@web-verify.example is verified' })
      .waitFor();
    // Back in the app, the notice asks the API again, and stays away.
    const asked = someone.page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/me');
    await someone.page.getByRole('link', { name: 'Go to the overview' }).click();
    expect((await (await asked).json()).user.emailVerified).toBe(true);
    await someone.page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(await notice.count()).toBe(0);
    expect(someone.errors).toEqual([]);
    await someone.close();
  });
});

describe('an owner takes the data and leaves', () => {
  it('exports the tenant, downloads the archive, schedules deletion and restores', async () => {
    const owner = await newPage(env.browser, env.baseUrl);
    const p = owner.page;
    await signUpInBrowser(p, 'web-leave');
    await p.goto('/#/admin/data');
    // The owner is not verified yet: the rule would bind them too, and says so.
    await p.getByRole('switch', { name: /verified e-mail address/ }).click();
    await p.getByText('Verify your own address first').waitFor();
    await p.getByRole('button', { name: 'Export the tenant' }).click();
    const row = p.getByRole('table', { name: 'Exports' }).getByRole('row').nth(1);
    await row.getByRole('button', { name: 'Download' }).waitFor();
    expect(await row.textContent()).toContain('succeeded');
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      row.getByRole('button', { name: 'Download' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^devctx-web-leave-.*\.ndjson\.gz$/);
    const archive = gunzipSync(await readFile((await download.path()) as string)).toString('utf8');
    expect(JSON.parse(archive.split('\n')[0] as string)).toMatchObject({
      format: 'devctx-tenant-archive',
      tenant: { slug: expect.stringMatching(/^web-leave/) },
    });
    expect(archive).toContain('owner@web-leave');

    const slug = await p.getByLabel('Tenant', { exact: true }).inputValue();
    await p.getByLabel(/Type the tenant’s slug/).fill(slug);
    await p.getByRole('button', { name: 'Delete in 30 days' }).click();
    await p.getByRole('status').filter({ hasText: 'will be deleted on' }).waitFor();
    await p.getByRole('button', { name: 'Restore the tenant' }).click();
    await p.getByRole('button', { name: 'Delete in 30 days' }).waitFor();
    expect(owner.errors).toEqual([]);
    await owner.close();
  });
});

describe('tenant B', () => {
  it("never sees tenant A's data in any view, even with A's ids in the URL", async () => {
    const b = await newPage(env.browser, env.baseUrl);
    await signUpInBrowser(b.page, 'web-b');
    const secrets = [
      ids.sessionTitle,
      'scripts/core/nested_learning.py',
      'Launch plan',
      'Write the API',
      'laptop hook',
      'web-a',
    ];
    const views = [
      '/',
      '/timeline',
      '/sessions',
      '/search?q=nested_learning.py',
      '/projects',
      '/insights/topics',
      '/insights/files',
      '/insights/commands',
      '/admin/users',
      '/admin/keys',
      '/admin/audit',
      `/sessions/${ids.session}`,
      `/projects/${ids.project}`,
      `/task-lists/${ids.list}`,
    ];
    for (const view of views) {
      await b.page.goto(`/#${view}`);
      await b.page.waitForLoadState('networkidle');
      await b.page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      const text = (await b.page.locator('main').textContent()) ?? '';
      for (const secret of secrets) expect(text, `${view} shows ${secret}`).not.toContain(secret);
    }
    expect(await b.page.locator('main').textContent()).toContain('does not exist');
    await shot(b.page, 'tenant-b-task-list');

    // The refresh token is an HttpOnly cookie: no script on the page can read it.
    const cookies = () => b.page.context().cookies();
    const refreshCookie = (await cookies()).find((c) => c.name.startsWith('devctx_rt_'));
    expect(refreshCookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/v1/auth' });
    const refreshToken = refreshCookie?.value ?? '';
    expect(refreshToken).toMatch(/^rt_/);
    const readable = await b.page.evaluate(
      () => JSON.stringify({ ...localStorage }) + document.cookie,
    );
    expect(readable).not.toContain(refreshToken);

    // Signing out ends the session at the API too: its refresh token is dead.
    const sessions = async () =>
      JSON.parse((await b.page.evaluate(() => localStorage.getItem('devctx.sessions'))) ?? '{}');
    await b.page.getByRole('button', { name: 'Sign out' }).click();
    await b.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect((await sessions()).tenants).toEqual({});
    expect((await cookies()).filter((c) => c.name.startsWith('devctx_rt_'))).toEqual([]);
    const reuse = await fetch(`${env.baseUrl}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(reuse.status).toBe(401);
    await b.close();
  });
});
