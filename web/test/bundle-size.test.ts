import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The dashboard's weight (README: "kept under 100 KB each"): every page load on a phone
// pays it. Measured on the build turbo makes before these tests.
const assets = path.resolve(import.meta.dirname, '..', 'dist', 'assets');
const KB = 1024;

describe('the built dashboard', () => {
  it('stays under 100 KB of script and 100 KB of CSS', async () => {
    const files = await readdir(assets);
    const total = async (ext: string) => {
      let bytes = 0;
      for (const f of files.filter((name) => name.endsWith(ext)))
        bytes += (await stat(path.join(assets, f))).size;
      return bytes;
    };
    const script = await total('.js');
    const css = await total('.css');
    expect(script).toBeGreaterThan(0);
    expect(script).toBeLessThan(100 * KB);
    expect(css).toBeLessThan(100 * KB);
  });
});
