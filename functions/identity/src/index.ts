import { registerFamily } from '@devctx/shared/function-target';
import { identityFamily } from './family.ts';

// Function target `identity`: this family alone (see family.ts).
await registerFamily(identityFamily);
