import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from './support/api-server.ts';

// The dashboard's files as the api variant serves them (web/dist, built by turbo first):
// the page, its hashed assets cached for good, and nothing else from the disk.
let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer();
});
afterAll(() => api.close());

const get = (url: string) => fetch(`${api.baseUrl}${url}`);

describe('the dashboard at /', () => {
  it('serves the page with a CSP that allows only its own scripts and styles', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("style-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(await page.text()).toContain('<div id="app">');
  });

  it('serves every built asset, cached as immutable', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../web/dist/assets');
    const files = await readdir(dir);
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    for (const file of files) {
      const reply = await get(`/assets/${file}`);
      expect(reply.status, file).toBe(200);
      expect(reply.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('names no file outside the assets folder', async () => {
    for (const probe of [
      '..%2F..%2Fpackage.json',
      '..%2Findex.html',
      '%2Fetc%2Fpasswd',
      'missing.js',
      'x.exe',
    ]) {
      const reply = await get(`/assets/${probe}`);
      expect([400, 404], probe).toContain(reply.status);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
    }
  });
});
