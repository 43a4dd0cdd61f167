import { registerFamily } from '@devctx/shared/function-target';
import { projectsFamily } from './family.ts';

// Function target `projects`: this family alone (see family.ts).
await registerFamily(projectsFamily);
