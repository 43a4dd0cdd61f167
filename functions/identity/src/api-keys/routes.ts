import {
  actorOf,
  actorScope,
  decodeCursor,
  defineRoute,
  instantSchema,
  isPermission,
  notFound,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { createApiKey } from './create-api-key.ts';
import { listApiKeys, revokeApiKey } from './queries.ts';

const tags = ['api-keys'];
const keySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The first characters of the key, to recognise it.'),
  permissions: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});

function toKeyView(row: {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}): z.infer<typeof keySchema> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    permissions: row.permissions,
    expiresAt: row.expires_at?.toISOString() ?? null,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

export const apiKeyRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/api-keys',
    summary: 'Your API keys (never their secrets)',
    tags,
    permission: 'api_keys:manage',
    query: pageQuery,
    responses: {
      200: {
        description: 'A page of keys',
        schema: z.object({ items: z.array(keySchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const actor = actorOf(ctx);
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listApiKeys(trx, actor.tenantId, actor.userId, query.limit, after),
      );
      return { body: toPage(rows, query.limit, (k) => ({ after: k.name, id: k.id }), toKeyView) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/api-keys',
    summary: 'Create an API key for machines; the secret is shown once',
    tags,
    permission: 'api_keys:manage',
    body: z
      .object({
        name: z.string().trim().min(1).max(100),
        permissions: z
          .array(z.string().refine(isPermission, 'not a permission; see GET /v1/permissions'))
          .min(1)
          .max(100)
          .transform((list) => [...new Set(list)].sort())
          .describe('A subset of your own permissions.'),
        expiresAt: instantSchema().optional().describe('Optional; the key stops working then.'),
      })
      .meta({
        examples: [{ name: 'laptop hook', permissions: ['sessions:write', 'sessions:read'] }],
      }),
    responses: {
      201: { description: 'Created', schema: z.object({ apiKey: keySchema, secret: z.string() }) },
      403: { description: 'A permission you lack, or the caller is itself an API key' },
    },
    handler: async (ctx, { body }) => {
      const { apiKey, secret } = await createApiKey(ctx, body);
      return { status: 201, body: { apiKey: toKeyView(apiKey), secret } };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    summary: 'Revoke one of your API keys',
    tags,
    permission: 'api_keys:manage',
    params: z.object({ id: z.uuid() }),
    responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key of yours' } },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      await withTenant(actorScope(ctx), async (trx) => {
        const key = await revokeApiKey(trx, actor.tenantId, actor.userId, params.id);
        if (!key) throw notFound('API key');
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'api_key.revoked',
          targetType: 'api_key',
          targetId: key.id,
          details: { name: key.name },
        });
      });
      return { status: 204 };
    },
  }),
];
