import { registerFamily } from '@devctx/shared/function-target';
import { gitWebhooksFamily } from './family.ts';

// Function target `git-webhooks`: this family alone (see family.ts).
await registerFamily(gitWebhooksFamily);
