import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  instantSchema,
  pageQuery,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { listAuditLog } from './queries.ts';

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
      since: instantSchema().optional(),
      until: instantSchema().optional(),
    }),
    responses: {
      200: {
        description: 'A page of events',
        schema: z.object({ items: z.array(entrySchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'integer' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listAuditLog(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
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
