import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/routes.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';

let api: ApiServer;
let document: {
  paths: Record<
    string,
    Record<string, { operationId: string; security: unknown[]; responses: Record<string, unknown> }>
  >;
};

beforeAll(async () => {
  api = await startApiServer();
  document = (await (await fetch(`${api.baseUrl}/openapi.json`)).json()) as typeof document;
});
afterAll(() => api.close());

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('names exactly the API routes: none missing, none extra (the dashboard is not API)', () => {
    const mounted = apiRoutes.map((r) => `${r.method} ${r.path}`).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort();
    expect(documented).toEqual(mounted);
  });

  it('every operation has a unique id, declared security and the problem responses', () => {
    const operations = Object.values(document.paths).flatMap((o) => Object.values(o));
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const me = document.paths['/v1/me']?.get;
    expect(me?.security).toEqual([{ bearerJwt: [] }, { apiKey: [] }]);
    expect(me?.responses['401']).toBeDefined();
    expect(document.paths['/v1/auth/login']?.post?.security).toEqual([]);
    const signup = document.paths['/v1/auth/signup']?.post as unknown as {
      requestBody: { content: { 'application/json': { example: { tenant: { slug: string } } } } };
    };
    expect(signup.requestBody.content['application/json'].example.tenant.slug).toBe('acme');
  });
});

describe('the API reference page', () => {
  it('is served with its assets from the product itself, nothing from a CDN', async () => {
    const page = await fetch(`${api.baseUrl}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).not.toMatch(/(src|href)="https?:/);
    const assets = [...html.matchAll(/(?:src|href)="(\/docs\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      const reply = await fetch(`${api.baseUrl}${asset}`);
      expect(reply.status, asset).toBe(200);
      expect((await reply.arrayBuffer()).byteLength).toBeGreaterThan(10);
    }
    expect((await fetch(`${api.baseUrl}/docs/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
  });
});
