import { registerFamily } from '@devctx/shared/function-target';
import { mcpFamily } from './family.ts';

// Function target `mcp`: this family alone (see family.ts).
await registerFamily(mcpFamily);
