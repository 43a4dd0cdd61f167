import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configSchema, errorCatalogue } from '@devctx/shared';
import { describe, expect, it } from 'vitest';
import { REFERENCE_DOCS } from '../../../scripts/lib/reference-docs.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

describe('generated reference pages', () => {
  it.each(Object.entries(REFERENCE_DOCS))(
    '%s is current (run npm run docs:generate if not)',
    async (file, render) => {
      expect(await readFile(path.join(root, file), 'utf8')).toBe(render());
    },
  );

  it('list every configuration variable and every error code', async () => {
    const configuration = await readFile(path.join(root, 'docs/configuration.md'), 'utf8');
    for (const name of Object.keys(configSchema.shape))
      expect(configuration).toContain(`| \`${name}\` |`);
    const errors = await readFile(path.join(root, 'docs/errors.md'), 'utf8');
    for (const code of Object.keys(errorCatalogue)) expect(errors).toContain(`| \`${code}\` |`);
  });
});
