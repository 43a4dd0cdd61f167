import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AnyRoute, AppError, defineRoute, notFound } from '@devctx/shared';
import { z } from 'zod';

// The web dashboard (web/, built by Vite) served at / by the api variant. It is a static
// page that calls the public API with the user's token, so these routes need no credential.
// In a bundle (npm run build) the files sit in ./web/ beside the code; in the repository
// they are web/dist/. Decided once, at start-up.
const bundled = fileURLToPath(new URL('./web/', import.meta.url));
const webDir = existsSync(bundled)
  ? bundled
  : fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const types: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// Only the product's own files; no inline script or style (the build emits none), so an
// injected <script> or style attribute does nothing. The API is the same origin.
const DASHBOARD_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const notBuilt = () =>
  new AppError(
    'service_unavailable',
    'The dashboard is not built. Run `npm run build --workspace web` (npm start does it).',
  );

export const dashboardRoutes: AnyRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/',
    summary: 'The web dashboard',
    tags: ['service'],
    permission: null,
    rateLimit: false,
    responses: { 200: { description: 'HTML page' } },
    handler: async () => {
      const page = await readFile(path.join(webDir, 'index.html')).catch(() => {
        throw notBuilt();
      });
      // Always revalidated: it names the current hashed assets.
      return {
        raw: { type: 'text/html; charset=utf-8', data: page },
        headers: { 'cache-control': 'no-cache', 'content-security-policy': DASHBOARD_CSP },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/assets/{file}',
    summary: 'Scripts and styles of the web dashboard',
    tags: ['service'],
    permission: null,
    rateLimit: false,
    // A file name, never a path: nothing outside the assets folder can be named.
    params: z.object({ file: z.string().regex(/^[\w-]+\.[a-z0-9]+$/) }),
    responses: { 200: { description: 'A script or stylesheet' } },
    handler: async (_ctx, { params }) => {
      const type = types[path.extname(params.file)];
      if (!type) throw notFound('asset');
      const data = await readFile(path.join(webDir, 'assets', params.file)).catch(() => {
        throw notFound('asset');
      });
      // Vite puts a content hash in every asset's name: a name never changes its content.
      return {
        raw: { type, data },
        headers: { 'cache-control': 'public, max-age=31536000, immutable' },
      };
    },
  }),
];
