// `npm run client:generate`: regenerate client/src/schema.ts after routes change (a test
// fails while it is out of date).
import { writeFile } from 'node:fs/promises';
import { GENERATED_SCHEMA, generateClientSchema } from './lib/client-schema.ts';

await writeFile(GENERATED_SCHEMA, await generateClientSchema());
console.log(`wrote ${GENERATED_SCHEMA.pathname}`);
