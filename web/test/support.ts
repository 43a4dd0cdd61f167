import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startApiServer } from '@devctx/api/testing';
import { simpleParser } from 'mailparser';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Screenshots of each main view: kept as CI artifacts (web/test-results/screenshots/). */
export const SCREENSHOTS = path.resolve(import.meta.dirname, '..', 'test-results', 'screenshots');
export { V1_SAMPLE_DIR as V1_SAMPLE } from '@devctx/context/test-fixtures';

/**
 * The api variant (every family, the dashboard at /) on a real socket and a fresh database,
 * and Debian's Chromium, headless. As root Chromium needs --no-sandbox; background
 * networking is off so the browser calls nothing outside 127.0.0.1.
 */
export async function startDashboard() {
  const mailDir = await mkdtemp(path.join(tmpdir(), 'devctx-web-mail-'));
  const api = await startApiServer({
    STORAGE_LOCAL_DIR: await mkdtemp(path.join(tmpdir(), 'devctx-web-')),
    MAIL_LOCAL_DIR: mailDir,
  });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
  await mkdir(SCREENSHOTS, { recursive: true });
  return {
    baseUrl: api.baseUrl,
    browser,
    /** The link of the latest mail to an address whose subject starts so (the local mailer's .eml files). */
    async mailedLink(to: string, subject: string): Promise<string> {
      for (let waited = 0; waited < 10_000; waited += 100) {
        const mails = await Promise.all(
          (await readdir(mailDir))
            .sort()
            .map(async (name) => simpleParser(await readFile(path.join(mailDir, name)))),
        );
        const mail = mails
          .filter(
            (m) => m.to && 'text' in m.to && m.to.text === to && m.subject?.startsWith(subject),
          )
          .at(-1);
        const link = /https?:\/\/\S+/.exec(mail?.text ?? '')?.[0];
        if (link) return link;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no mail "${subject}" to ${to}`);
    },
    async close() {
      await browser.close();
      await api.close();
    },
  };
}

/** A new browser profile (its own storage) with a page, recording every URL it requests. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  viewport = { width: 1280, height: 900 },
) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  const page = await context.newPage();
  const requested: string[] = [];
  page.on('request', (r) => requested.push(r.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // Anything the page's CSP refused (an inline style, a script from elsewhere).
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) errors.push(m.text());
  });
  return { page, requested, errors, close: () => context.close() };
}

export async function signUpInBrowser(page: Page, slug: string) {
  await page.goto('/');
  await page.getByRole('button', { name: 'New here? Create a tenant' }).click();
  await page.getByLabel('Team or company name').fill(`Tenant ${slug}`);
  await page.getByLabel('Your name').fill(`Owner of ${slug}`);
  await page.getByLabel('Tenant (slug)').fill(slug);
  await page.getByLabel('Email').fill(`owner@${slug}.example`);
  await page.getByLabel('Password').fill('a long enough passphrase');
  await page.getByRole('button', { name: 'Create a tenant' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}

/** What the user sees of the view (the viewport: a long conversation stays readable). */
/**
 * The rows of the table with this name. Waiting on a named table, not on any `tbody tr`,
 * keeps a test from reading the previous view's table while the next one is loading.
 */
export const rowsOf = (page: Page, table: string) =>
  page.getByRole('table', { name: table }).locator('tbody tr');

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });

/** A token for arranging data through the API directly (a second sign-in of the user). */
export async function apiAs(baseUrl: string, slug: string) {
  const reply = await fetch(`${baseUrl}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tenant: slug,
      email: `owner@${slug}.example`,
      password: 'a long enough passphrase',
    }),
  });
  const { accessToken } = (await reply.json()) as { accessToken: string };
  return async (method: string, url: string, body?: unknown) => {
    const r = await fetch(`${baseUrl}${url}`, {
      method,
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: r.status === 204 ? null : await r.json() };
  };
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * The WCAG 2 A and AA problems axe-core finds on the page as it is (contrast, names,
 * labels, keyboard traps), as "rule: element" lines; serious and critical ones only.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through DevTools, as the page's CSP (rightly) refuses an injected script.
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResult> } }
    ).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}
type AxeResult = {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
};
