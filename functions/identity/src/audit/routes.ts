import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';

const entrySchema = z.object({
  id: z.uuid(),
  occurredAt: z.iso.datetime(),
  action: z.string(),
  actorUserId: z.uuid().nullable(),
  actorApiKeyId: z.uuid().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const auditRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/audit-log',
    summary: 'Security events, newest first',
    tags: ['audit'],
    permission: 'audit:read',
    query: pageQuery.extend({
      action: z.string().max(100).optional().describe('Exact action, e.g. login.failed.'),
      actorId: z.uuid().optional(),
      targetId: z.string().max(200).optional(),
      since: z.iso.datetime().optional(),
      until: z.iso.datetime().optional(),
    }),
    responses: {
      200: {
        description: 'A page of events',
        schema: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor);
      const rows = await withTenant(actorScope(ctx), (trx) => {
        let q = trx
          .selectFrom('audit_log')
          .select([
            'id',
            'seq',
            'occurred_at',
            'action',
            'actor_user_id',
            'actor_api_key_id',
            'target_type',
            'target_id',
            'ip',
            'user_agent',
            'request_id',
            'details',
          ])
          .where('tenant_id', '=', actorOf(ctx).tenantId);
        if (query.action) q = q.where('action', '=', query.action);
        if (query.actorId) q = q.where('actor_user_id', '=', query.actorId);
        if (query.targetId) q = q.where('target_id', '=', query.targetId);
        if (query.since) q = q.where('occurred_at', '>=', new Date(query.since));
        if (query.until) q = q.where('occurred_at', '<', new Date(query.until));
        if (after) q = q.where('seq', '<', after.after);
        return q
          .orderBy('seq', 'desc')
          .limit(query.limit + 1)
          .execute();
      });
      return {
        body: toPage(
          rows,
          query.limit,
          (e) => ({ after: String(e.seq), id: e.id }),
          (e) => ({
            id: e.id,
            occurredAt: e.occurred_at.toISOString(),
            action: e.action,
            actorUserId: e.actor_user_id,
            actorApiKeyId: e.actor_api_key_id,
            targetType: e.target_type,
            targetId: e.target_id,
            ip: e.ip,
            userAgent: e.user_agent,
            requestId: e.request_id,
            details: e.details,
          }),
        ),
      };
    },
  }),
];
