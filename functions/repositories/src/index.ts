import { registerFamily } from '@devctx/shared/function-target';
import { repositoriesFamily } from './family.ts';

// Function target `repositories`: this family alone (see family.ts).
await registerFamily(repositoriesFamily);
