import { defineConfig } from 'vite';

// The dashboard is served by the api variant itself (same origin), so the build needs no
// base URL and no proxy; `npm run dev --workspace web` proxies /v1 to a local `npm start`.
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0, target: 'es2022' },
  server: { proxy: { '/v1': process.env.DEVCTX_API ?? 'http://127.0.0.1:8080' } },
});
