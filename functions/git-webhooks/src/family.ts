import { defineFamily } from '@devctx/shared';
import { webhookRoutes } from './routes.ts';

/**
 * Webhook ingress: verify the signature, record the delivery once, enqueue its processing
 * (a repositories job) and answer 202.
 */
export const gitWebhooksFamily = defineFamily({
  name: 'git-webhooks',
  routes: webhookRoutes,
  jobs: [],
});
