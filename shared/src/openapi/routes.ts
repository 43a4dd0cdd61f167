import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { notFound } from '../errors/app-error.ts';
import { type AnyRoute, defineRoute } from '../http/route.ts';
import { buildOpenApiDocument, type DocumentInfo, type OpenApiDocument } from './document.ts';

export const apiInfo: DocumentInfo = {
  title: 'Dev Context API',
  version: '1.0.0',
  description:
    'Development context for teams working with AI coding assistants. Errors are application/problem+json (RFC 9457); lists use ?limit= and ?cursor=; POST takes Idempotency-Key; PATCH, DELETE and POST actions on a resource take If-Match (412 when it changed) and a PATCH answers the new ETag.',
};

// Served from the swagger-ui-dist package itself: the page works offline, no CDN.
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};
// In a bundle (npm run build) the two files sit beside the bundled code.
const assetDir = () => {
  const bundled = fileURLToPath(new URL('./swagger-ui/', import.meta.url));
  return existsSync(bundled)
    ? bundled
    : path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dev Context API reference</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="reference"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;
const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#reference', deepLinking: true });\n`;

/**
 * /openapi.json and the /docs reference page for a route table. The document is built on
 * first request and kept: routes do not change while the process runs.
 */
export function documentationRoutes(routes: AnyRoute[]): AnyRoute[] {
  let document: OpenApiDocument | undefined;
  const own: AnyRoute[] = [
    defineRoute({
      method: 'GET',
      path: '/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['service'],
      permission: null,
      rateLimit: false,
      responses: { 200: { description: 'The document' } },
      handler: async () => {
        document ??= buildOpenApiDocument([...routes, ...own], apiInfo);
        return { body: document, headers: { 'cache-control': 'public, max-age=300' } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/docs',
      summary: 'API reference page',
      tags: ['service'],
      permission: null,
      rateLimit: false,
      responses: { 200: { description: 'HTML page' } },
      handler: async () => ({ raw: { type: 'text/html; charset=utf-8', data: page } }),
    }),
    defineRoute({
      method: 'GET',
      path: '/docs/assets/{file}',
      summary: 'Assets of the API reference page',
      tags: ['service'],
      permission: null,
      rateLimit: false,
      params: z.object({ file: z.string().max(100) }),
      responses: { 200: { description: 'A script or stylesheet' } },
      handler: async (_ctx, { params }) => {
        if (params.file === 'init.js')
          return { raw: { type: 'text/javascript; charset=utf-8', data: init } };
        const type = assets[params.file];
        if (!type) throw notFound('asset');
        const data = await readFile(path.join(assetDir(), params.file));
        return { raw: { type, data }, headers: { 'cache-control': 'public, max-age=86400' } };
      },
    }),
  ];
  return own;
}
