import {
  actorOf,
  actorScope,
  assertReferenceExists,
  changedColumns,
  decodeCursor,
  defineRoute,
  pageQuery,
  recordAudit,
  secretBoxFor,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { connectRepository } from './connect-repository.ts';
import { deleteRepository, findRepository, listRepositories, updateRepository } from './queries.ts';
import { repositorySchema, toRepositoryView } from './representation.ts';
import { rotateWebhookSecret } from './rotate-webhook-secret.ts';
import { sealGithubToken } from './sealed-secrets.ts';

const tags = ['repositories'];
const idParams = z.object({ id: z.uuid() });
const fields = {
  url: z.url().max(2000).nullable(),
  defaultBranch: z.string().trim().min(1).max(255),
  projectId: z.uuid().nullable(),
  syncEnabled: z.boolean().describe('Pull new commits from GitHub on a schedule.'),
  syncIntervalMinutes: z.number().int().min(5).max(10080),
  githubToken: z
    .string()
    .min(20)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'a token: printable characters, no spaces')
    .nullable()
    .describe(
      'A GitHub token (fine-grained, read-only contents) for sync: stored encrypted, never shown again; null removes it.',
    ),
};
const columnOf = {
  url: 'url',
  defaultBranch: 'default_branch',
  projectId: 'project_id',
  syncEnabled: 'sync_enabled',
  syncIntervalMinutes: 'sync_interval_minutes',
} as const;
const withSecret = repositorySchema.extend({
  webhookSecret: z
    .string()
    .describe('Shown this once: paste it into GitHub’s webhook settings. It is stored encrypted.'),
});

export const repositoryRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/repositories',
    summary: 'List repositories',
    tags,
    permission: 'repositories:read',
    query: pageQuery.extend({ projectId: z.uuid().optional() }),
    responses: {
      200: {
        description: 'A page of repositories',
        schema: z.object({ items: z.array(repositorySchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listRepositories(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
      return {
        body: toPage(rows, query.limit, (r) => ({ after: r.id, id: r.id }), toRepositoryView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/repositories',
    summary:
      'Connect a repository (counts against the tier’s limit); the webhook secret is returned once',
    tags,
    permission: 'repositories:write',
    body: z
      .object({
        provider: z.enum(['github', 'gitlab', 'generic']),
        fullName: z
          .string()
          .trim()
          .min(1)
          .max(300)
          .regex(/^[^\s]+$/, 'owner/name, without spaces'),
        url: fields.url.optional(),
        defaultBranch: fields.defaultBranch.default('main'),
        projectId: fields.projectId.optional(),
        syncEnabled: fields.syncEnabled.default(false),
        syncIntervalMinutes: fields.syncIntervalMinutes.default(60),
        githubToken: fields.githubToken.optional(),
      })
      .meta({ examples: [{ provider: 'github', fullName: 'acme/dev-context', projectId: null }] }),
    responses: {
      201: {
        description: 'Connected; the only response that shows the secret',
        schema: withSecret,
      },
      403: { description: 'The tier’s repository limit (quota_exceeded)' },
      409: { description: 'This repository is already connected' },
    },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const box = await secretBoxFor(ctx.config);
      const { repository, webhookSecret } = await withTenant(actorScope(ctx), async (trx) => {
        await assertReferenceExists(trx, actor.tenantId, 'projects', body.projectId);
        const connected = await connectRepository(trx, box, actor.tenantId, body);
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'repository.connected',
          targetType: 'repository',
          targetId: connected.repository.id,
          details: { provider: body.provider, fullName: body.fullName },
        });
        return connected;
      });
      return {
        status: 201,
        body: { ...toRepositoryView(repository), webhookSecret },
        headers: { location: `/v1/repositories/${repository.id}`, 'cache-control': 'no-store' },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/repositories/{id}',
    summary: 'A repository',
    tags,
    permission: 'repositories:read',
    params: idParams,
    responses: {
      200: { description: 'The repository', schema: repositorySchema },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params }) => ({
      body: toRepositoryView(
        await withTenant(actorScope(ctx), (trx) =>
          findRepository(trx, actorOf(ctx).tenantId, params.id),
        ),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/repositories/{id}',
    summary: 'Change a repository’s link, branch or sync settings',
    tags,
    permission: 'repositories:write',
    params: idParams,
    body: z
      .object({
        url: fields.url,
        defaultBranch: fields.defaultBranch,
        projectId: fields.projectId,
        syncEnabled: fields.syncEnabled,
        syncIntervalMinutes: fields.syncIntervalMinutes,
        githubToken: fields.githubToken,
      })
      .partial(),
    responses: {
      200: { description: 'The repository as changed', schema: repositorySchema },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params, body }) => {
      const actor = actorOf(ctx);
      const box = body.githubToken === undefined ? undefined : await secretBoxFor(ctx.config);
      const row = await withTenant(actorScope(ctx), async (trx) => {
        await findRepository(trx, actor.tenantId, params.id, true);
        await assertReferenceExists(trx, actor.tenantId, 'projects', body.projectId);
        const { githubToken, ...settings } = body;
        const token =
          box && githubToken !== undefined
            ? sealGithubToken(box, actor.tenantId, params.id, githubToken)
            : {};
        if (box) {
          await recordAudit(trx, ctx, actor.tenantId, {
            action: githubToken ? 'repository.github_token_set' : 'repository.github_token_removed',
            targetType: 'repository',
            targetId: params.id,
          });
        }
        return updateRepository(trx, actor.tenantId, params.id, {
          ...changedColumns(settings, columnOf),
          ...token,
        });
      });
      return { body: toRepositoryView(row) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/repositories/{id}',
    summary: 'Disconnect a repository (its commits, deliveries and sync events go with it)',
    tags,
    permission: 'repositories:delete',
    params: idParams,
    responses: { 204: { description: 'Disconnected' }, 404: { description: 'No such repository' } },
    handler: async (ctx, { params }) => {
      const actor = actorOf(ctx);
      await withTenant(actorScope(ctx), async (trx) => {
        const repository = await findRepository(trx, actor.tenantId, params.id, true);
        await deleteRepository(trx, actor.tenantId, params.id);
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'repository.disconnected',
          targetType: 'repository',
          targetId: params.id,
          details: { fullName: repository.full_name },
        });
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/repositories/{id}/webhook-secret',
    summary: 'Rotate the webhook secret; the old one keeps working for 24 hours',
    tags,
    permission: 'repositories:write',
    params: idParams,
    responses: {
      200: { description: 'The new secret, shown once', schema: withSecret },
      404: { description: 'No such repository' },
    },
    handler: async (ctx, { params }) => {
      const { repository, webhookSecret } = await rotateWebhookSecret(ctx, params.id);
      return {
        body: { ...toRepositoryView(repository), webhookSecret },
        headers: { 'cache-control': 'no-store' },
      };
    },
  }),
];
