// devctx — the Dev Context command line: `npm run devctx -- --help`.
import { main } from './cli/main.ts';

await main(process.argv.slice(2));
