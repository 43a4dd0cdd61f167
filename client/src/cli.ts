// devctx — the Dev Context command line. `npm run devctx -- push <dir>`.
//   DEVCTX_URL (default http://localhost:8080) and DEVCTX_API_KEY (an API key, dck_…).
import { parseArgs } from 'node:util';
import { push } from './push.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { url: { type: 'string' }, key: { type: 'string' } },
});
const [command, dir] = positionals;
const baseUrl = values.url ?? process.env.DEVCTX_URL ?? 'http://localhost:8080';
const apiKey = values.key ?? process.env.DEVCTX_API_KEY;

if (command !== 'push' || !dir || !apiKey) {
  console.error(
    'usage: devctx push <dir> [--url URL] [--key dck_…]   (or DEVCTX_URL, DEVCTX_API_KEY)',
  );
  process.exit(64);
}
const summary = await push({ dir, baseUrl, apiKey });
console.log(
  `${summary.kind}: ${summary.files} file(s), ${summary.uploaded} uploaded, ${summary.skipped} already there; ` +
    `${summary.newMessages} new message(s), ${summary.duplicateMessages} known.`,
);
for (const failure of summary.failed) console.error(`failed: ${failure}`);
process.exit(summary.failed.length > 0 ? 1 : 0);
