import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Prints a suite's markdown table (the closing figures of `npm run attack` and `npm run
 * race`) and keeps it as test-results/<name>.md.
 */
export async function reportTable(name: string, title: string, header: string[], rows: string[][]) {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const table = [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
  console.log(`\n${title}:\n${table}\n`);
  const out = path.resolve(import.meta.dirname, '..', '..', 'test-results');
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, `${name}.md`), `${table}\n`);
}
