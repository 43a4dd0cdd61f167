import type { Logger, Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { contentHash, normaliseContent } from './normalise.ts';

export const messageInput = z.object({
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.string().max(1_000_000),
  externalId: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('The tool’s id for the message: sending it again is a no-op.'),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  toolCalls: z
    .array(
      z.object({
        id: z.string().max(200).optional(),
        name: z.string().max(200),
        input: z.unknown().optional(),
      }),
    )
    .max(200)
    .optional(),
  fileReferences: z
    .array(
      z.object({
        path: z.string().min(1).max(2000),
        operation: z.enum(['read', 'write', 'edit', 'mention']),
      }),
    )
    .max(500)
    .optional(),
  commands: z.array(z.string().max(10000)).max(200).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).optional(),
});
export const ingestBody = z.object({ messages: z.array(messageInput).min(1).max(1000) });

export interface IngestOutcome {
  index: number;
  id: string | null;
  hash: string;
  /** The body was already stored in this tenant (nothing new was written for it). */
  duplicateBody: boolean;
  /** The same message (externalId) was already in this conversation: nothing was added. */
  duplicateMessage: boolean;
}

/**
 * Appends a batch to a conversation in one transaction. Each distinct body is written at
 * most once per tenant (insert … on conflict do nothing); messages keep their order after
 * the conversation's last one; a message whose externalId is already there is skipped.
 */
export async function ingestMessages(
  trx: Trx,
  log: Logger,
  tenantId: string,
  conversation: { id: string; session_id: string },
  messages: z.infer<typeof messageInput>[],
): Promise<IngestOutcome[]> {
  const prepared = messages.map((m) => {
    const content = normaliseContent(m.content);
    return { ...m, content, hash: contentHash(content) };
  });

  const distinct = new Map(prepared.map((m) => [m.hash.toString('hex'), m]));
  const inserted = await trx
    .insertInto('message_bodies')
    .values(
      [...distinct.values()].map((m) => ({
        tenant_id: tenantId,
        hash: m.hash,
        content: m.content,
        byte_size: Buffer.byteLength(m.content),
      })),
    )
    .onConflict((oc) => oc.columns(['tenant_id', 'hash']).doNothing())
    .returning('hash')
    .execute();
  const newBodies = new Set(inserted.map((r) => r.hash.toString('hex')));

  // Serialise appends to this conversation so sequences never collide.
  await sql`select 1 from conversations where tenant_id = ${tenantId} and id = ${conversation.id} for update`.execute(
    trx,
  );
  const last = await trx
    .selectFrom('messages')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversation.id)
    .executeTakeFirst();
  let sequence = (last?.max ?? -1) + 1;

  // Messages already in this conversation (same externalId) are not added again, nor is
  // an externalId repeated within the batch.
  const externalIds = prepared
    .map((m) => m.externalId)
    .filter((id): id is string => id !== undefined);
  const present = new Set(
    externalIds.length === 0
      ? []
      : (
          await trx
            .selectFrom('messages')
            .select('external_id')
            .where('tenant_id', '=', tenantId)
            .where('conversation_id', '=', conversation.id)
            .where('external_id', 'in', externalIds)
            .execute()
        ).map((r) => r.external_id),
  );
  const planned = prepared.map((m) => {
    const skip = m.externalId !== undefined && present.has(m.externalId);
    if (m.externalId !== undefined) present.add(m.externalId);
    return skip ? null : sequence++;
  });

  // One statement for the whole batch; ids come back keyed by sequence.
  const rows = prepared.flatMap((m, index) => {
    const position = planned[index];
    if (position === null || position === undefined) return [];
    return [
      {
        tenant_id: tenantId,
        conversation_id: conversation.id,
        session_id: conversation.session_id,
        sequence: position,
        role: m.role,
        body_hash: m.hash,
        external_id: m.externalId ?? null,
        occurred_at: m.occurredAt ? new Date(m.occurredAt) : null,
        input_tokens: m.inputTokens ?? null,
        output_tokens: m.outputTokens ?? null,
        tool_calls: JSON.stringify(m.toolCalls ?? []),
        file_references: JSON.stringify(m.fileReferences ?? []),
        commands: m.commands ?? [],
        tags: m.tags ?? [],
      },
    ];
  });
  const ids = new Map(
    rows.length === 0
      ? []
      : (await trx.insertInto('messages').values(rows).returning(['id', 'sequence']).execute()).map(
          (r) => [r.sequence, r.id],
        ),
  );

  const outcomes: IngestOutcome[] = [];
  const firstOfBody = new Set<string>();
  for (const [index, m] of prepared.entries()) {
    const hex = m.hash.toString('hex');
    const position = planned[index];
    const isNewBody = newBodies.has(hex) && !firstOfBody.has(hex);
    firstOfBody.add(hex);
    const id = position === null || position === undefined ? null : (ids.get(position) ?? null);
    outcomes.push({
      index,
      id,
      hash: hex,
      duplicateBody: !isNewBody,
      duplicateMessage: id === null,
    });
  }
  log.debug('ingested messages', { count: messages.length, newBodies: newBodies.size });
  return outcomes;
}
