// `npm run docs:generate`: rewrite the generated reference pages under docs/ (a test fails
// while they are out of date).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REFERENCE_DOCS } from './lib/reference-docs.ts';

for (const [file, render] of Object.entries(REFERENCE_DOCS)) {
  await writeFile(path.resolve(import.meta.dirname, '..', file), render());
  console.log(`wrote ${file}`);
}
