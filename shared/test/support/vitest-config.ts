import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The test settings every workspace package uses: the shared database setup, and a JSON
 * report that `npm test` sums up into one closing line.
 */
export function packageTestConfig(options: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
      include: ['test/**/*.test.ts'],
      testTimeout: options.testTimeout ?? 20_000,
      // A file's setup builds a tenant's history through the API, the work of many tests;
      // with every package's tests at once on CI's two cores, one took over 30 s.
      hookTimeout: 60_000,
      // expect.poll waits for something that happens on its own (a page rendering, a job
      // finishing). Its default of 1 s is too short when CI runs every package at once.
      expect: { poll: { timeout: 10_000 } },
      // Google client libraries must never probe for a metadata server here.
      env: { METADATA_SERVER_DETECTION: 'none' },
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
    },
  });
}
