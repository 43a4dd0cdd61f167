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
import { findConversation } from '../conversations/queries.ts';
import { ingestBody, ingestMessages } from './ingest.ts';
import { listMessages, storedBodyHashes } from './queries.ts';

const hash = z.string().regex(/^[\da-f]{64}$/, 'a SHA-256 in lowercase hex');
const messageSchema = z.object({
  id: z.uuid(),
  sequence: z.number().int(),
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.string(),
  hash,
  externalId: z.string().nullable(),
  occurredAt: z.iso.datetime().nullable(),
  inputTokens: z.number().int().nullable(),
  outputTokens: z.number().int().nullable(),
  toolCalls: z.array(z.object({ id: z.string().optional(), name: z.string(), input: z.unknown() })),
  fileReferences: z.array(z.object({ path: z.string(), operation: z.string() })),
  commands: z.array(z.string()),
  tags: z.array(z.string()),
  model: z.string().nullable(),
  thinking: z.string().nullable(),
  sidechain: z.boolean(),
  parentExternalId: z.string().nullable(),
  answersToolCalls: z.array(z.string()),
});

export const messageRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/conversations/{id}/messages',
    summary: 'Messages of a conversation, in order',
    tags: ['messages'],
    permission: 'sessions:read',
    params: z.object({ id: z.uuid() }),
    query: pageQuery.extend({
      fromSequence: z.coerce
        .number()
        .int()
        .min(0)
        .optional()
        .describe('Start at this sequence (a search hit’s) instead of the first; a cursor wins.'),
    }),
    responses: {
      200: {
        description: 'A page of messages',
        schema: z.object({ items: z.array(messageSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { params, query }) => {
      const tenantId = actorOf(ctx).tenantId;
      const after = decodeCursor(query.cursor, { after: 'integer' });
      const rows = await withTenant(actorScope(ctx), async (trx) => {
        await findConversation(trx, tenantId, params.id);
        const from = after ? Number(after.after) + 1 : (query.fromSequence ?? 0);
        return listMessages(trx, tenantId, params.id, from, query.limit);
      });
      return {
        body: toPage(
          rows,
          query.limit,
          (m) => ({ after: String(m.sequence), id: m.id }),
          (m) => ({
            id: m.id,
            sequence: m.sequence,
            role: m.role,
            content: m.content,
            hash: m.body_hash.toString('hex'),
            externalId: m.external_id,
            occurredAt: m.occurred_at?.toISOString() ?? null,
            inputTokens: m.input_tokens,
            outputTokens: m.output_tokens,
            toolCalls: m.tool_calls as { id?: string; name: string; input: unknown }[],
            fileReferences: m.file_references as { path: string; operation: string }[],
            commands: m.commands,
            tags: m.tags,
            model: m.model,
            thinking: m.thinking,
            sidechain: m.sidechain,
            parentExternalId: m.parent_external_id,
            answersToolCalls: m.answers_tool_calls,
          }),
        ),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/conversations/{id}/messages',
    summary: 'Append up to 1,000 messages (5 MB); each body is stored once per tenant',
    tags: ['messages'],
    permission: 'sessions:write',
    params: z.object({ id: z.uuid() }),
    body: ingestBody,
    bodyLimitBytes: 5 * 1024 * 1024,
    responses: {
      201: {
        description: 'Appended; per item, whether its body or the message itself was already there',
        schema: z.object({
          items: z.array(
            z.object({
              index: z.number().int(),
              id: z.uuid().nullable(),
              hash,
              duplicateBody: z.boolean(),
              duplicateMessage: z.boolean(),
            }),
          ),
          newBodies: z.number().int(),
        }),
      },
      404: { description: 'No such conversation' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const items = await withTenant(actorScope(ctx), async (trx) =>
        ingestMessages(
          trx,
          ctx.log,
          tenantId,
          await findConversation(trx, tenantId, params.id),
          body.messages,
        ),
      );
      return {
        status: 201,
        body: { items, newBodies: items.filter((i) => !i.duplicateBody).length },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/messages/dedup-check',
    summary: 'Which of these content hashes this tenant already stores (skip uploading them)',
    tags: ['messages'],
    permission: 'sessions:write',
    body: z.object({ hashes: z.array(hash).min(1).max(10000) }),
    responses: {
      200: {
        description: 'Stored and missing hashes',
        schema: z.object({ stored: z.array(hash), missing: z.array(hash) }),
      },
    },
    handler: async (ctx, { body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const wanted = [...new Set(body.hashes)];
      const rows = await withTenant(actorScope(ctx), (trx) =>
        storedBodyHashes(
          trx,
          tenantId,
          wanted.map((h) => Buffer.from(h, 'hex')),
        ),
      );
      const stored = new Set(rows.map((r) => r.hash.toString('hex')));
      return {
        body: {
          stored: wanted.filter((h) => stored.has(h)),
          missing: wanted.filter((h) => !stored.has(h)),
        },
      };
    },
  }),
];
