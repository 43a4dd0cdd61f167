import { processDeliveryJob, secretContext } from '@devctx/repositories/jobs';
import {
  AppError,
  defineRoute,
  enqueueJob,
  failureBudget,
  secretBoxFor,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { countRejectedDelivery, findDelivery, insertDelivery, webhookTargets } from './queries.ts';
import { signatureMatches } from './signature.ts';

/** GitHub's own limit on a delivery. */
const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;
const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded'];
const SIGNATURE = /^sha256=[\da-f]{64}$/;
/**
 * Deliveries from one address that may fail (unknown repository, wrong signature) per
 * hour before it is refused unread. GitHub sends from a few shared addresses, so a
 * tenant's wrong secret costs little of it; a scanner runs out at once.
 */
const FAILURES_PER_HOUR = 120;

const unauthenticated = () =>
  new AppError('unauthenticated', 'The X-Hub-Signature-256 signature is missing or wrong.');

export const webhookRoutes = [
  defineRoute({
    method: 'POST',
    path: '/v1/webhooks/github/{repositoryId}',
    summary:
      'GitHub webhook ingress: verified, recorded once per delivery, processed in the background',
    tags: ['webhooks'],
    permission: null,
    // GitHub delivers from a few shared addresses: a per-IP budget of all requests would
    // drop real deliveries, so only failures are counted (see FAILURES_PER_HOUR).
    rateLimit: false,
    params: z.object({ repositoryId: z.uuid() }),
    bodyLimitBytes: MAX_PAYLOAD_BYTES,
    rawBody: {
      contentTypes: CONTENT_TYPES,
      description:
        'The event exactly as GitHub sends it; signed with the repository’s webhook secret (X-Hub-Signature-256).',
    },
    responses: {
      202: {
        description: 'Recorded (or already recorded: the same X-GitHub-Delivery has one effect)',
        schema: z.object({
          deliveryId: z.uuid(),
          event: z.string(),
          duplicate: z.boolean(),
        }),
      },
      400: { description: 'X-GitHub-Event or X-GitHub-Delivery missing' },
      401: { description: 'Signature missing or wrong (or no such repository)' },
      429: { description: 'Too many failed deliveries from this address' },
      413: { description: 'Larger than 25 MB' },
      415: { description: 'Neither application/json nor application/x-www-form-urlencoded' },
    },
    handler: async (ctx, { params, headers, readRawBody }) => {
      // Everything that needs no body is checked before a byte of it is read: the content
      // type, the headers, the caller's failure budget, and that the repository exists.
      const contentType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!CONTENT_TYPES.includes(contentType)) {
        throw new AppError('unsupported_media_type', `Send ${CONTENT_TYPES.join(' or ')}.`);
      }
      const event = headerValue(headers['x-github-event'], 'X-GitHub-Event', /^[a-z_]{1,100}$/);
      const delivery = headerValue(
        headers['x-github-delivery'],
        'X-GitHub-Delivery',
        /^[\w-]{1,200}$/,
      );
      const signature = headers['x-hub-signature-256'];
      if (typeof signature !== 'string' || !SIGNATURE.test(signature)) throw unauthenticated();
      const failures = failureBudget(ctx.db, {
        key: `webhook-failures:${ctx.ip}`,
        limit: FAILURES_PER_HOUR,
        windowSeconds: 3600,
        policy: 'webhook',
      });
      await failures.check();

      // Find the repository's tenant and secrets (the one lookup allowed before
      // authentication), then read the body and verify it before anything parses it.
      const targets = await webhookTargets(ctx.db, params.repositoryId);
      if (targets.length === 0) {
        await failures.spend();
        throw unauthenticated();
      }
      const box = await secretBoxFor(ctx.config);
      const body = (await readRawBody?.()) ?? Buffer.alloc(0);
      const target = targets.find((t) =>
        signatureMatches(signature, body, openSecrets(box, t, params.repositoryId)),
      );
      if (!target) {
        await failures.spend();
        // Counted where it is unambiguous: with a shared id, the count would tell one
        // tenant about another's deliveries.
        if (targets.length === 1) await countRejectedDelivery(ctx.db, params.repositoryId);
        ctx.log.warn('webhook signature rejected', { repositoryId: params.repositoryId });
        throw unauthenticated();
      }

      const scope = { db: ctx.db, tenantId: target.tenant_id };
      return withTenant(scope, async (trx) => {
        const inserted = await insertDelivery(trx, target.tenant_id, {
          repositoryId: params.repositoryId,
          deliveryId: delivery,
          event,
          contentType,
          payload: body,
        });
        if (inserted) {
          await enqueueJob(trx, ctx.dispatcher, target.tenant_id, processDeliveryJob, {
            deliveryId: inserted.id,
          });
          return { status: 202, body: { deliveryId: inserted.id, event, duplicate: false } };
        }
        const existing = await findDelivery(trx, target.tenant_id, params.repositoryId, delivery);
        return {
          status: 202,
          body: { deliveryId: existing.id, event: existing.event, duplicate: true },
        };
      });
    },
  }),
];

function headerValue(value: string | string[] | undefined, name: string, shape: RegExp): string {
  if (typeof value !== 'string' || !shape.test(value)) {
    throw new AppError('validation_failed', `The ${name} header is missing or malformed.`, {
      fieldErrors: [{ path: `headers.${name.toLowerCase()}`, message: 'missing or malformed' }],
    });
  }
  return value;
}

/**
 * A repository's webhook secrets, opened. One that does not open (made on another server:
 * an imported repository, until its secret is rotated) is no secret: nothing matches it.
 */
function openSecrets(
  box: Awaited<ReturnType<typeof secretBoxFor>>,
  target: { tenant_id: string; webhook_secret: Buffer; previous_webhook_secret: Buffer | null },
  repositoryId: string,
): string[] {
  const aad = secretContext(target.tenant_id, repositoryId);
  return [target.webhook_secret, target.previous_webhook_secret].flatMap((envelope) => {
    if (!envelope) return [];
    try {
      return [box.open(envelope, aad)];
    } catch {
      return [];
    }
  });
}
