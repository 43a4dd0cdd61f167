import { registerFamily } from '@devctx/shared/function-target';
import { contextFamily } from './family.ts';

// Function target `context`: this family alone (see family.ts).
await registerFamily(contextFamily);
